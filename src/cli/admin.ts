import { parseArgs, type ParseArgsConfig } from "node:util";
import { ZodError } from "zod";
import type { Config } from "../config.ts";
import type { Core } from "../core.ts";
import { KithError } from "../errors.ts";
import type { JobQueue } from "../jobs/jobs.ts";
import type { createLogger } from "../logging.ts";

// The admin commands (accounts, domains, invites, settings, rules): each is
// parsed first (a usage error needs no database), then run against the core
// with the instance's real job queue, so what it sets in motion (a
// Delete{Person} on suspension) is carried out by the instance's workers.
// Results are printed as one JSON line on stdout; errors go to stderr.
//
// Exit codes: 0 done, 1 refused (not found, invalid, not allowed), 2 usage.

export const EXIT_REFUSED = 1;
export const EXIT_USAGE = 2;

export class UsageError extends Error {}

/** A parsed command, ready to run; its result is printed as JSON. */
export type AdminCommand = (core: Core, config: Config) => Promise<unknown>;

export function parse<T extends NonNullable<ParseArgsConfig["options"]>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** JSON with ids as strings and dates as ISO strings, as the API prints them. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? String(v) : v));
}

export async function runAdmin(build: () => AdminCommand, usage: string, config: Config, logger: ReturnType<typeof createLogger>): Promise<number> {
  let command: AdminCommand;
  try {
    command = build();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`kith: ${error.message}\n${usage}`);
    return EXIT_USAGE;
  }
  const { createDb } = await import("../db/client.ts");
  const { createCore } = await import("../core.ts");
  const db = createDb(config.databaseUrl, 2);
  // Most commands enqueue nothing: the queue (and the app it comes with) is
  // loaded only when one does.
  let queue: { jobs: JobQueue; close(): Promise<void> } | null = null;
  const jobs: JobQueue = {
    async enqueue(name, data, options) {
      queue ??= (await import("../main.ts")).openJobQueue(config, logger);
      await queue.jobs.enqueue(name, data, options);
    },
  };
  const session = {
    core: createCore(config, db, jobs),
    async close() {
      await queue?.close();
      await db.$disconnect();
    },
  };
  try {
    const result = await command(session.core, config);
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
    await session.close();
  }
}
