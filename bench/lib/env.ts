import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { once } from "node:events";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { Redis } from "ioredis";
import type { Logger } from "pino";
import { loadConfig } from "../../src/config.ts";
import { createLogger, routeFedifyLogs } from "../../src/logging.ts";
import { startKith, type Kith } from "../../src/main.ts";

// Where the benchmarks run: the local PostgreSQL and Redis, a fresh database
// (cloned from a migrated template) and a fresh Redis prefix per measurement.

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const PG = process.env.BENCH_DATABASE_SERVER ?? "postgresql://postgres@127.0.0.1:5432";
export const REDIS = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";

export const quote = (name: string) => `"${name.replace(/"/g, "")}"`;

export async function withPg<T>(database: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: `${PG}/${database}` });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function freePort(host = "127.0.0.1"): Promise<number> {
  const server = createServer();
  server.listen(0, host);
  await once(server, "listening");
  const port = (server.address() as { port: number }).port;
  server.close();
  return port;
}

/** A fresh database cloned from the migrated template, and a fresh Redis prefix. */
export type Sandbox = { name: string; databaseUrl: string; prefix: string; drop(): Promise<void> };

export async function sandbox(label: string): Promise<Sandbox> {
  const template = process.env.BENCH_TEMPLATE_DB;
  if (!template) throw new Error("BENCH_TEMPLATE_DB is not set (run the measurement through bench/run.ts)");
  const name = `kith_bench_${process.env.BENCH_RUN_TAG ?? "adhoc"}_${label}_${randomBytes(3).toString("hex")}`;
  await withPg("postgres", (c) => c.query(`CREATE DATABASE ${quote(name)} TEMPLATE ${quote(template)}`));
  return {
    name,
    databaseUrl: `${PG}/${name}`,
    prefix: name,
    async drop() {
      await withPg("postgres", (c) => c.query(`DROP DATABASE IF EXISTS ${quote(name)} WITH (FORCE)`)).catch(() => undefined);
      await clearRedisPrefix(name).catch(() => undefined);
    },
  };
}

export async function clearRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS);
  try {
    let cursor = "0";
    for (let i = 0; i < 100_000; i++) {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
      if (cursor === "0") break;
    }
  } finally {
    redis.disconnect();
  }
}

let logger: Logger | null = null;

/** Production's default level: its lines (two per HTTP request at `info`) are part of what a request costs. */
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? "info";

/** The logger `kith serve` uses, with Fedify's logs routed into it, as in production. */
export async function kithLogger(): Promise<Logger> {
  if (!logger) {
    logger = createLogger(LOG_LEVEL);
    await routeFedifyLogs(logger);
  }
  return logger;
}

export type KithEnv = { sandbox: Sandbox; port: number; role?: "web" | "worker" | "all"; extra?: Record<string, string> };

export function kithEnv({ sandbox: box, port, role = "all", extra = {} }: KithEnv): Record<string, string> {
  return {
    KITH_PUBLIC_URL: `http://127.0.0.1:${port}`,
    PORT: String(port),
    HOST: "127.0.0.1",
    DATABASE_URL: box.databaseUrl,
    REDIS_URL: REDIS,
    REDIS_PREFIX: box.prefix,
    ROLE: role,
    KITH_ALLOW_PRIVATE_ADDRESS: "true",
    LOG_LEVEL,
    ...extra,
  };
}

/** Kith in this process, exactly as `kith serve` starts it. */
export async function startBenchKith(options: KithEnv): Promise<Kith> {
  const env = kithEnv(options);
  return startKith(loadConfig(env), await kithLogger());
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` every `everyMs` until it returns true; throws after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs: number, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes. */
export const now = () => performance.timeOrigin + performance.now();

/**
 * The V8 flags Kith runs with in production (bin/node-options, which bin/kith
 * and the Docker image use), or BENCH_NODE_OPTIONS to try others.
 */
export function productionNodeOptions(): string[] {
  const text = process.env.BENCH_NODE_OPTIONS ?? readFileSync(join(ROOT, "bin/node-options"), "utf8");
  return text.split(/\s+/).filter(Boolean);
}
