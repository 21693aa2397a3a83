// Runs `prisma generate` without network access (postinstall, air-gapped hosts).
//
// Prisma's CLI insists on having a native schema-engine binary before it runs
// `generate`, and downloads one from binaries.prisma.sh when it is missing.
// `generate` never actually executes it, so we point PRISMA_SCHEMA_ENGINE_BINARY
// at a stub. Migrations go through the WebAssembly engine instead (src/db/migrate.ts).
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const prismaCli = createRequire(import.meta.url).resolve("prisma/build/index.js");

function stubSchemaEngine(): string {
  const dir = path.join(root, "node_modules", ".cache", "kith");
  const file = path.join(dir, "schema-engine-stub");
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    file,
    "#!/bin/sh\n" +
      "echo 'kith: the native Prisma schema engine is not installed; use src/db/migrate.ts" +
      " or scripts/migration-create.ts (WebAssembly engine) instead' >&2\n" +
      "exit 1\n",
  );
  chmodSync(file, 0o755);
  return file;
}

const env: NodeJS.ProcessEnv = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || stubSchemaEngine(),
  CHECKPOINT_DISABLE: "1", // no telemetry / update check
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING: "1",
};

const started = performance.now();
const result = spawnSync(process.execPath, [prismaCli, "generate", ...process.argv.slice(2)], {
  cwd: root,
  env,
  stdio: "inherit",
});
if (result.error) throw result.error;
if (result.status !== 0) {
  console.error(`kith: prisma generate failed (exit ${result.status ?? result.signal})`);
  process.exit(result.status ?? 1);
}
console.error(`kith: prisma generate finished in ${Math.round(performance.now() - started)} ms`);
