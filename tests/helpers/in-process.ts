import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import { loadConfig } from "../../src/config.ts";
import { migrateDatabase } from "../../src/db/migrate.ts";
import { createLogger } from "../../src/logging.ts";
import { startKith, type Kith } from "../../src/main.ts";
import { clearRedisPrefix, dropDatabase, freePort, testEnv } from "./instance.ts";

// Kith in the test's own process: for app.inject() tests of the HTTP door
// against real Postgres and Redis, with the core at hand to set up state.

export type InProcess = Kith & { destroy(): Promise<void> };

/** `logger`, for a test that reads the logs; otherwise nothing is logged. */
export async function startInProcess(label: string, env: Record<string, string> = {}, logger?: Logger): Promise<InProcess> {
  const name = `kith_test_${label}_${randomBytes(4).toString("hex")}`;
  const port = await freePort();
  const config = loadConfig({ ...testEnv(name, port), LOG_LEVEL: "silent", ...env });
  await migrateDatabase({ databaseUrl: config.databaseUrl });
  const kith = await startKith(config, logger ?? createLogger(config.logLevel));
  return {
    ...kith,
    async destroy() {
      await kith.close();
      await dropDatabase(name);
      await clearRedisPrefix(name);
    },
  };
}

export type LocalUser = { id: bigint; token: string };

/** A local account with a token (of these scopes, or the default ones), made through the core. */
export async function localUser(kith: Kith, username: string, scopes?: string[]): Promise<LocalUser> {
  const account = await kith.core.accounts.createLocal(username);
  return { id: account.id, token: await kith.core.tokens.issue(account.id, scopes) };
}
