import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

// The shared federation fixtures live beside the checkout (../shared/fixtures)
// in development and in CI; KITH_FIXTURES_DIR overrides.

const root = fileURLToPath(new URL("../..", import.meta.url));
const candidates = [process.env.KITH_FIXTURES_DIR, `${root}../shared/fixtures`, "/work/shared/fixtures"].filter((p): p is string => Boolean(p));

export function fixturesDir(): string {
  const found = candidates.find((dir) => existsSync(`${dir}/README.md`));
  if (!found) throw new Error(`The shared fixtures were not found; looked in ${candidates.join(", ")} (set KITH_FIXTURES_DIR)`);
  return found;
}

export function readFixture(relativePath: string): any {
  return JSON.parse(readFileSync(`${fixturesDir()}/${relativePath}`, "utf8"));
}
