import { parseArgs, type ParseArgsConfig } from "node:util";
import { ZodError } from "zod";
import type { Config } from "../config.ts";
import type { Core } from "../core.ts";
import { KithError } from "../errors.ts";
import { TTL_MS, type SettingsChanged } from "../instance/settings.ts";
import type { RemoteDirectory } from "../accounts/account.types.ts";
import type { JobQueue } from "../jobs/jobs.ts";
import type { createLogger } from "../logging.ts";
import type { AdminLink } from "../main.ts";
import { DeferredPubSub } from "../streaming/pubsub.ts";

// The admin commands (accounts, domains, invites, settings, rules): each is
// parsed first (a usage error needs neither configuration nor database),
// then run against the core with the instance's real job queue and
// settings notices, so what it sets in motion (a Delete{Person} on
// suspension) is carried out by the instance's workers and what it changes
// reaches every running process. Results are printed as one JSON line on
// stdout; errors go to stderr, in one line.
//
// Exit codes: 0 done, 1 refused (not found, invalid, not allowed), 2 usage.

export const EXIT_REFUSED = 1;
export const EXIT_USAGE = 2;

/** A mistake in the command line; its message names it, in a few words. */
export class UsageError extends Error {}

/** A parsed command, ready to run; its result is printed as JSON. */
export type AdminCommand = (core: Core, config: Config) => Promise<unknown>;

/** The commands of a group (`kith accounts create ...`), by name: each parses its arguments. */
export type Subcommands = Record<string, (args: string[]) => AdminCommand>;

export function parse<T extends NonNullable<ParseArgsConfig["options"]>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(argumentMistake(error as Error & { code?: string }));
  }
}

/** Node's parseArgs messages, which run to several lines, as a few words. */
function argumentMistake(error: Error & { code?: string }): string {
  const option = /'(-[^' ]+)/.exec(error.message)?.[1];
  if (option && error.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return `unknown option ${option}`;
  if (option && error.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    if (error.message.includes("does not take")) return `option ${option} takes no value`;
    if (error.message.includes("ambiguous")) return `option ${option} needs a value (write ${option}=-... for one that starts with -)`;
    return `option ${option} needs a value`;
  }
  const first = error.message.split("\n")[0]!;
  return first.charAt(0).toLowerCase() + first.slice(1);
}

/** The positional arguments `names` asks for and no more, or a usage error naming the first one missing or extra. */
export function positional(positionals: string[], names: string[]): string[] {
  const missing = names.find((_, i) => positionals[i] === undefined);
  if (missing) throw new UsageError(`missing ${missing}`);
  if (positionals.length > names.length) throw new UsageError(`unexpected argument ${positionals[names.length]}`);
  return positionals;
}

/** JSON with ids as strings and dates as ISO strings, as the API prints them. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? String(v) : v));
}

/** `kith <group> <sub> args...` parsed into what to run; a mistake is a UsageError naming where it is. */
export function buildAdmin(group: string, subcommands: Subcommands, args: string[]): AdminCommand {
  const [sub, ...rest] = args;
  const names = Object.keys(subcommands).join(", ");
  if (!sub) throw new UsageError(`${group}: missing a command (${names})`);
  const make = Object.hasOwn(subcommands, sub) ? subcommands[sub] : undefined;
  if (!make) throw new UsageError(`${group}: unknown command ${sub} (${names})`);
  try {
    return make(rest);
  } catch (error) {
    throw error instanceof UsageError ? new UsageError(`${group} ${sub}: ${error.message}`) : error;
  }
}

/** Runs a parsed command against the instance: exit 0 with its result printed, or 1 with why it was refused. */
export async function runAdmin(command: AdminCommand, config: Config, logger: ReturnType<typeof createLogger>): Promise<number> {
  const { createDb } = await import("../db/client.ts");
  const { createCore } = await import("../core.ts");
  const db = createDb(config.databaseUrl, 2);
  // Most commands need no Redis: it (and the app the queue comes with) is
  // loaded only when one enqueues a job or announces a settings change.
  let link: Promise<AdminLink> | null = null;
  const open = () => (link ??= import("../main.ts").then((main) => main.openAdminLink(config, logger)));
  const jobs: JobQueue = {
    async enqueue(name, data, options) {
      await (await open()).jobs.enqueue(name, data, options);
    },
  };
  const settingsChanges = new DeferredPubSub<SettingsChanged>(async () => (await open()).settingsChanges, (error) => {
    // The change is stored: running servers just see it a little later.
    const why = error instanceof Error ? error.message : String(error);
    console.error(`kith: running servers could not be told at once (${why}); they will see the change within ${TTL_MS / 1000} s`);
  });
  const core = createCore(config, db, jobs, { settingsChanges });
  // Commands that name another server's account (a move's target, an alias) ask it, as the server would.
  let directory: Promise<RemoteDirectory> | null = null;
  const lookup = () => (directory ??= import("../main.ts").then((main) => main.lookupDirectory(config, core)));
  core.accounts.directory = {
    fetchActor: async (uri) => (await lookup()).fetchActor(uri),
    resolveHandle: async (username, host) => (await lookup()).resolveHandle(username, host),
  };
  try {
    const result = await command(core, config);
    if (result !== undefined) console.log(toJson(result));
    return 0;
  } catch (error) {
    if (error instanceof KithError) {
      console.error(`kith: ${error.publicMessage}`);
      return EXIT_REFUSED;
    }
    if (error instanceof ZodError) {
      console.error(`kith: ${error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ")}`);
      return EXIT_REFUSED;
    }
    throw error;
  } finally {
    await (await (link as Promise<AdminLink> | null)?.catch(() => null))?.close();
    await db.$disconnect();
  }
}
