import { extname } from "node:path";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { loadConfig, ConfigError } from "../config.ts";
import { createLogger, routeFedifyLogs } from "../logging.ts";
import { runAdmin, type AdminCommand } from "./admin.ts";
import { INSTANCE_USAGE, invitesCommand, rulesCommand, settingsCommand } from "./instance.commands.ts";
import { ACCOUNTS_USAGE, accountsCommand, DOMAINS_USAGE, domainsCommand } from "./moderation.commands.ts";
import { releaseStartupMemory } from "./release-startup-memory.ts";

// `kith`: the admin CLI. Reads configuration from the environment only.

const usage = `Usage:
  kith migrate                              apply pending database migrations
  kith serve                                run the server (ROLE=web|worker|all)
  kith start                                migrate, then serve
  kith stats                                queues and what became of the activities the inbox accepted
  kith accounts create <username> [--locked] [--password <password>]
                                            create a local account; prints JSON with an access token
${ACCOUNTS_USAGE}
${DOMAINS_USAGE}
${INSTANCE_USAGE}

Admin commands print one JSON line. Exit codes: 0 done, 1 refused (not found, invalid), 2 usage.`;

const ADMIN: Record<string, (sub: string | undefined, args: string[]) => AdminCommand> = {
  domains: domainsCommand,
  invites: invitesCommand,
  settings: settingsCommand,
  rules: rulesCommand,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "help" || command === "--help") {
    console.log(usage);
    return command ? 0 : 1;
  }
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  switch (command) {
    case "migrate":
      await migrateInThread(config.databaseUrl, (m) => logger.info(m));
      return 0;
    case "start":
      await migrateInThread(config.databaseUrl, (m) => logger.info(m));
      return serve(config, logger);
    case "serve":
      return serve(config, logger);
    case "stats":
      return stats(config);
    case "accounts":
      if (rest[0] === "create") return accounts(rest, config);
      return runAdmin(() => accountsCommand(rest[0], rest.slice(1)), usage, config, logger);
    default:
      if (command in ADMIN) return runAdmin(() => ADMIN[command]!(rest[0], rest.slice(1)), usage, config, logger);
      console.error(`Unknown command: ${command}\n${usage}`);
      return 1;
  }
}

/** Applies pending migrations in a thread of its own, so that a server started after it does not keep the schema engine's memory. */
async function migrateInThread(databaseUrl: string, log: (m: string) => void) {
  const thread = new Worker(new URL(`./migrate-thread${extname(import.meta.url)}`, import.meta.url), { workerData: { databaseUrl } });
  const applied = await new Promise<string[]>((resolve, reject) => {
    let result: string[] | null = null;
    thread.on("message", (m: { log?: string; applied?: string[] }) => {
      if (m.log !== undefined) log(m.log);
      if (m.applied) result = m.applied;
    });
    thread.once("error", reject);
    thread.once("exit", (code) => (result ? resolve(result) : reject(new Error(`migration thread exited with code ${code}`))));
  });
  log(applied.length ? `applied ${applied.length} migration(s): ${applied.join(", ")}` : "database is up to date");
}

async function serve(config: ReturnType<typeof loadConfig>, logger: ReturnType<typeof createLogger>): Promise<number> {
  await routeFedifyLogs(logger);
  const { startKith } = await import("../main.ts");
  const kith = await startKith(config, logger);
  releaseStartupMemory();
  logger.info({ role: config.role, url: config.publicUrl.origin, port: config.port }, "Kith is running");
  await new Promise<void>((resolve) => {
    const shutdown = () => resolve();
    process.once("SIGINT", shutdown);
    process.once("SIGTERM", shutdown);
  });
  logger.info("shutting down");
  await kith.close();
  return 0;
}

async function stats(config: ReturnType<typeof loadConfig>): Promise<number> {
  const { createRedis } = await import("../redis.ts");
  const { readStats } = await import("../stats/queue-stats.ts");
  const redis = createRedis(config.redisUrl);
  try {
    console.log(JSON.stringify(await readStats(redis, config.redisPrefix)));
    return 0;
  } finally {
    await redis.quit().catch(() => undefined);
  }
}

async function accounts(args: string[], config: ReturnType<typeof loadConfig>): Promise<number> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { locked: { type: "boolean", default: false }, password: { type: "string" } } });
  const [sub, username] = positionals;
  if (sub !== "create" || !username) {
    console.error(usage);
    return 1;
  }
  const { passwordProblem } = await import("../auth/sign-in.service.ts");
  const problem = values.password === undefined ? null : passwordProblem(values.password);
  if (problem) {
    console.error(problem);
    return 1;
  }
  const { createDb } = await import("../db/client.ts");
  const { createCore } = await import("../core.ts");
  const db = createDb(config.databaseUrl, 2);
  // Creating an account enqueues nothing, so no Redis connection is opened.
  const core = createCore(config, db, { enqueue: async () => undefined });
  try {
    const account = await core.accounts.createLocal(username, { locked: values.locked });
    if (values.password !== undefined) await core.signIn.setPassword(account.id, values.password);
    const token = await core.tokens.issue(account.id);
    console.log(JSON.stringify({ id: String(account.id), username: account.username, acct: `${account.username}@${config.domain}`, url: account.uri, access_token: token, scopes: "read write follow" }));
    return 0;
  } finally {
    await db.$disconnect();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    if (error instanceof ConfigError) console.error(error.message);
    else console.error(`kith: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
