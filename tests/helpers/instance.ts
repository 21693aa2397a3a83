import { spawn, execFile, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import pg from "pg";
import { Redis } from "ioredis";
import { waitFor } from "./wait.ts";

// A real Kith instance in a child process on a loopback port, with its own
// database and Redis prefix: what federation tests talk to over HTTP.

const root = fileURLToPath(new URL("../..", import.meta.url));
const cli = `${root}/src/cli/main.ts`;
const run = promisify(execFile);

export const PG = process.env.TEST_DATABASE_SERVER ?? "postgresql://postgres@127.0.0.1:5432";
export const REDIS = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as { port: number }).port;
  server.close();
  return port;
}

/** A process started by KithInstance.spawnWorker(). */
export type KithProcess = { readonly pid: number; stop(signal?: NodeJS.Signals): Promise<void> };

/** Stops a child gracefully (SIGTERM) or as a crash would (SIGKILL); resolves once it has exited. */
async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill(signal);
  await exited;
}

/** What every test instance is: loopback origin, its own database and Redis prefix. */
export function testEnv(name: string, port: number): Record<string, string> {
  return {
    KITH_PUBLIC_URL: `http://127.0.0.1:${port}`,
    PORT: String(port),
    HOST: "127.0.0.1",
    DATABASE_URL: `${PG}/${name}`,
    REDIS_URL: REDIS,
    REDIS_PREFIX: name,
    KITH_ALLOW_PRIVATE_ADDRESS: "true",
    // Suites poll the API far faster than Mastodon's limits allow; tests/rate-limit.test.ts turns them on.
    KITH_RATE_LIMITS: "off",
  };
}

export type TestAccount = { id: string; username: string; acct: string; url: string; token: string };

/** Instances started in this test file and not yet destroyed: a failing test prints their logs (tests/setup/logs-on-failure.ts). */
export const liveInstances = new Set<KithInstance>();

export class KithInstance {
  readonly port: number;
  readonly origin: string;
  readonly host: string;
  readonly env: Record<string, string>;
  private child: ChildProcess | null = null;
  private readonly workers = new Set<ChildProcess>();
  readonly logs: string[] = [];

  constructor(port: number, name: string, extraEnv: Record<string, string> = {}) {
    this.port = port;
    this.origin = `http://127.0.0.1:${port}`;
    this.host = `127.0.0.1:${port}`;
    this.env = {
      ...(process.env as Record<string, string>),
      ...testEnv(name, port),
      LOG_LEVEL: process.env.KITH_TEST_LOG_LEVEL ?? "warn",
      KITH_DELIVERY_RETRY_BASE_SECONDS: "1",
      ...extraEnv,
    };
  }

  static async create(label: string, extraEnv: Record<string, string> = {}): Promise<KithInstance> {
    const name = `kith_test_${label}_${randomBytes(4).toString("hex")}`;
    const instance = new KithInstance(await freePort(), name, extraEnv);
    liveInstances.add(instance);
    await run(process.execPath, [cli, "migrate"], { env: instance.env });
    return instance;
  }

  private spawnServe(role: "all" | "web" | "worker", extraEnv: Record<string, string> = {}): ChildProcess {
    const child = spawn(process.execPath, [cli, "serve"], { env: { ...this.env, ...extraEnv, ROLE: role }, stdio: ["ignore", "pipe", "pipe"] });
    const keep = (chunk: Buffer) => this.logs.push(chunk.toString());
    child.stdout!.on("data", keep);
    child.stderr!.on("data", keep);
    return child;
  }

  /** Starts the instance's main process; after stop() it starts again on the same port, database and Redis. */
  async start(role: "all" | "web" | "worker" = "all"): Promise<void> {
    this.child = this.spawnServe(role);
    if (role !== "worker") {
      await waitFor(async () => (await fetch(`${this.origin}/health`)).ok, `${this.origin} to start (logs: ${this.logs.join("").slice(-2000)})`, 30_000);
    }
  }

  /** Stops the process: gracefully (SIGTERM) or as a crash would (SIGKILL). */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child) await stopChild(child, signal);
  }

  /**
   * Starts one more ROLE=worker process of this instance (same database, Redis
   * and settings, plus `extraEnv`) beside the one start() runs: several
   * workers sharing one Redis, each of which a test may stop or kill on its
   * own. destroy() kills any still running.
   */
  spawnWorker(extraEnv: Record<string, string> = {}): KithProcess {
    const child = this.spawnServe("worker", extraEnv);
    this.workers.add(child);
    child.once("exit", () => this.workers.delete(child));
    return { pid: child.pid!, stop: (signal: NodeJS.Signals = "SIGTERM") => stopChild(child, signal) };
  }

  async createAccount(username: string, options: { locked?: boolean } = {}): Promise<TestAccount> {
    const args = [cli, "accounts", "create", username, ...(options.locked ? ["--locked"] : [])];
    const { stdout } = await run(process.execPath, args, { env: this.env });
    const out = JSON.parse(stdout.trim().split("\n").at(-1)!);
    return { id: out.id, username: out.username, acct: out.acct, url: out.url, token: out.access_token };
  }

  async api<T = any>(token: string | null, method: string, path: string, body?: unknown): Promise<{ status: number; body: T; headers: Headers }> {
    const res = await fetch(`${this.origin}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  /** Resolves a handle on this instance and returns the local id of that account. */
  async resolve(token: string, acct: string): Promise<string> {
    const res = await this.api(token, "GET", `/api/v2/search?q=${encodeURIComponent(acct)}&resolve=true&type=accounts`);
    const id = res.body?.accounts?.[0]?.id;
    if (!id) throw new Error(`Could not resolve ${acct}: ${JSON.stringify(res.body)}`);
    return id;
  }

  async destroy(): Promise<void> {
    liveInstances.delete(this);
    await this.stop("SIGKILL").catch(() => undefined);
    await Promise.all([...this.workers].map((w) => stopChild(w, "SIGKILL").catch(() => undefined)));
    await dropDatabase(this.env.DATABASE_URL!.split("/").pop()!);
    await clearRedisPrefix(this.env.REDIS_PREFIX!);
  }
}

export async function dropDatabase(name: string): Promise<void> {
  const client = new pg.Client({ connectionString: `${PG}/postgres` });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, "")}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

export async function clearRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS);
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.quit();
  }
}
