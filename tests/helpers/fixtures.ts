import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

// Captured federation data (a live Misskey's signed requests and documents,
// Mastodon's documented JSON), kept in the repository so that a fresh clone
// tests itself: tests/fixtures/README.md says where each file came from.

const dir = fileURLToPath(new URL("../fixtures", import.meta.url));

export function fixturesDir(): string {
  return dir;
}

export function readFixture(relativePath: string): any {
  return JSON.parse(readFileSync(`${dir}/${relativePath}`, "utf8"));
}
