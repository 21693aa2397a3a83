import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

// Runs the admin CLI (`kith ...`) as a child process against an instance's
// environment, the way an operator would.

const cli = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

export type CliResult = { code: number; stdout: string; stderr: string; json: any };

export function runCli(env: Record<string, string>, args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      const last = stdout.trim().split("\n").at(-1) ?? "";
      let json: unknown = null;
      try {
        json = last ? JSON.parse(last) : null;
      } catch {
        /* not JSON */
      }
      resolve({ code, stdout, stderr, json });
    });
  });
}

/** What the CLI needs to act on an instance started in the test's process: its database, Redis and address. */
export function cliEnv(config: { databaseUrl: string; redisUrl: string; redisPrefix: string; publicUrl: URL }, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...(process.env as Record<string, string>),
    KITH_PUBLIC_URL: config.publicUrl.origin,
    DATABASE_URL: config.databaseUrl,
    REDIS_URL: config.redisUrl,
    REDIS_PREFIX: config.redisPrefix,
    LOG_LEVEL: "warn",
    ...extra,
  };
}
