// Runs `prisma generate` without network access (postinstall, air-gapped hosts).
//
// Prisma's CLI insists on having a native schema-engine binary before it runs
// `generate`, and downloads one from binaries.prisma.sh when it is missing.
// `generate` never actually executes it, so we point PRISMA_SCHEMA_ENGINE_BINARY
// at a stub. Migrations go through the WebAssembly engine instead (src/db/migrate.ts).
//
// Afterwards the client loads its query compiler from a .wasm file rather than
// from the base64 module Prisma generates an import of (see compilerFromFile).
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
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

/**
 * Prisma's Node client imports its query compiler as a module holding one
 * base64 string of several MB. An ES module is never unloaded, so its source
 * text and the string both stay in memory for the life of the process, on top
 * of what parsing them costs once: an idle server measured about 20 MB less
 * resident memory (bench/memory.ts) when the client reads the decoded bytes
 * from a file beside it instead. When a Prisma upgrade changes the generated
 * code, the client is left as generated (it works, with the embedded copy).
 */
async function compilerFromFile(classFile: string): Promise<void> {
  const source = readFileSync(classFile, "utf8");
  const embedded = /const \{ wasm \} = await import\("(@prisma\/client\/runtime\/query_compiler_\w+_bg\.\w+\.wasm-base64\.mjs)"\)\s*return await decodeBase64AsWasm\(wasm\)/;
  const match = embedded.exec(source);
  if (!match) {
    console.error(`kith: ${path.relative(root, classFile)} no longer imports its query compiler as expected; it keeps the embedded copy`);
    return;
  }
  const { wasm } = (await import(match[1]!)) as { wasm: string };
  const wasmFile = "query_compiler_bg.wasm";
  writeFileSync(path.join(path.dirname(classFile), wasmFile), Buffer.from(wasm, "base64"));
  const fromFile = `const { readFile } = await import("node:fs/promises")\n    return new WebAssembly.Module(await readFile(new URL("./${wasmFile}", import.meta.url)))`;
  writeFileSync(classFile, source.replace(embedded, fromFile));
}

await compilerFromFile(path.join(root, "src/generated/prisma/internal/class.ts"));
console.error(`kith: prisma generate finished in ${Math.round(performance.now() - started)} ms`);
