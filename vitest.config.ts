import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "routes/**/*.test.ts", "federation/**/*.test.ts", "workers/**/*.test.ts", "tests/**/*.test.ts"],
    // Suites share one Postgres server and one Redis; each file makes its own
    // database and key prefix, so files may run in parallel.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    setupFiles: ["tests/setup/logs-on-failure.ts"],
  },
});
