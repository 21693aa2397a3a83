import { extname } from "node:path";
import { Worker } from "node:worker_threads";
import { loadConfig, ConfigError } from "../config.ts";
import { createLogger, routeFedifyLogs } from "../logging.ts";
import { ACCOUNTS_USAGE, accountsCommands } from "./accounts.commands.ts";
import { buildAdmin, EXIT_USAGE, parse, positional, runAdmin, UsageError, type AdminCommand, type Subcommands } from "./admin.ts";
import { DOMAINS_USAGE, domainsCommands } from "./domains.commands.ts";
import { INSTANCE_USAGE, invitesCommands, rulesCommands, settingsCommands } from "./instance.commands.ts";
import { releaseStartupMemory } from "./release-startup-memory.ts";

// `kith`: the admin CLI. Reads configuration from the environment only.

const usage = `Usage:
  kith migrate                              apply pending database migrations
  kith serve                                run the server (ROLE=web|worker|all)
  kith start                                migrate, then serve
  kith stats                                queues and what became of the activities the inbox accepted
${ACCOUNTS_USAGE}
${DOMAINS_USAGE}
${INSTANCE_USAGE}
  kith help                                 this text

Admin commands print one JSON line. Exit codes: 0 done, 1 refused (not found, invalid),
2 usage error (one line on stderr says what is wrong).`;

const ADMIN: Record<string, Subcommands> = {
  accounts: accountsCommands,
  domains: domainsCommands,
  invites: invitesCommands,
  settings: settingsCommands,
  rules: rulesCommands,
};

const SERVER = ["migrate", "serve", "start", "stats"];

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    // Not what was meant, most likely: the usage, but as an error.
    console.error(usage);
    return EXIT_USAGE;
  }
  if (["help", "--help", "-h"].includes(command) || rest.includes("--help")) {
    console.log(usage);
    return 0;
  }
  // Mistakes in the command line are told before the configuration is even read.
  let admin: AdminCommand | null;
  try {
    admin = parseCommand(command, rest);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`kith: ${error.message}`);
    return EXIT_USAGE;
  }
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  if (admin) return runAdmin(admin, config, logger);
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
      return stats(config, logger);
  }
  throw new Error(`no handler for ${command}`);
}

/** An admin command ready to run, or null for a server command (which takes no arguments); a UsageError otherwise. */
function parseCommand(command: string, rest: string[]): AdminCommand | null {
  if (Object.hasOwn(ADMIN, command)) return buildAdmin(command, ADMIN[command]!, rest);
  if (!SERVER.includes(command)) throw new UsageError(command.startsWith("-") ? `unknown option ${command}` : `unknown command ${command} (kith help lists them)`);
  try {
    positional(parse(rest, {}).positionals, []);
  } catch (error) {
    throw error instanceof UsageError ? new UsageError(`${command}: ${error.message}`) : error;
  }
  return null;
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

async function stats(config: ReturnType<typeof loadConfig>, logger: ReturnType<typeof createLogger>): Promise<number> {
  const { RedisLink } = await import("../redis.ts");
  const { readStats } = await import("../stats/queue-stats.ts");
  const redis = await new RedisLink(config.redisUrl, logger).connect();
  try {
    console.log(JSON.stringify(await readStats(redis, config.redisPrefix)));
    return 0;
  } finally {
    await redis.quit().catch(() => undefined);
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
