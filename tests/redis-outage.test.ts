import { spawn } from "node:child_process";
import { once } from "node:events";
import { connect, createServer, type Server, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, KithInstance, REDIS } from "./helpers/instance.ts";
import { waitFor } from "./helpers/wait.ts";

// Redis unreachable. At start, `kith serve` and `kith stats` give up after a
// few seconds with one line, as `kith start` does for PostgreSQL (they used
// to retry for ever, printing a stack trace at every attempt). While
// running, an outage is logged once when it begins and once when it ends,
// however many connections the process holds and however often they retry.
// The outage is made by a proxy this file runs in front of the shared Redis,
// never by stopping Redis.

const cli = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));

/** Runs the CLI until it exits (or kills it after `guardMs`): its exit code, everything it printed, and how long it ran. */
async function runToExit(env: Record<string, string>, args: string[], guardMs = 20_000) {
  const started = performance.now();
  const child = spawn(process.execPath, [cli, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const guard = setTimeout(() => child.kill("SIGKILL"), guardMs);
  const [code] = (await once(child, "exit")) as [number | null];
  clearTimeout(guard);
  return { code, stdout, stderr, ms: performance.now() - started };
}

/** A TCP proxy on a loopback port in front of the shared Redis: cut() is an outage, open() its end. */
class RedisProxy {
  readonly port: number;
  private readonly target = new URL(REDIS);
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  constructor(port: number) {
    this.port = port;
  }

  async open() {
    this.server = createServer((client) => {
      const upstream = connect(Number(this.target.port || 6379), this.target.hostname);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on("error", () => undefined);
        socket.on("close", () => {
          this.sockets.delete(socket);
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    this.server.listen(this.port, "127.0.0.1");
    await once(this.server, "listening");
  }

  async cut() {
    const server = this.server!;
    this.server = null;
    const closed = new Promise((resolve) => server.close(resolve));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}

describe("Redis unreachable at start", { timeout: 60_000 }, () => {
  let K: KithInstance;
  let env: Record<string, string>;
  let port: number;

  beforeAll(async () => {
    K = await KithInstance.create("redis_down");
    port = await freePort();
    // Nothing listens on `port`. (Without the private-address warning, the one line is all there is.)
    env = { ...K.env, REDIS_URL: `redis://127.0.0.1:${port}`, KITH_ALLOW_PRIVATE_ADDRESS: "false", LOG_LEVEL: "info" };
  }, 60_000);

  afterAll(async () => K?.destroy());

  it("kith serve exits non-zero within 15 s, printing one line and no stack trace", async () => {
    const res = await runToExit(env, ["serve"]);
    expect(res.stdout + res.stderr).toBe(`kith: cannot connect to Redis at redis://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}\n`);
    expect(res.code).not.toBe(0);
    expect(res.code).not.toBeNull();
    expect(res.ms).toBeLessThan(15_000);
  });

  it("kith stats does the same instead of waiting for ever", async () => {
    const res = await runToExit(env, ["stats"]);
    expect(res.stdout + res.stderr).toBe(`kith: cannot connect to Redis at redis://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}\n`);
    expect(res.code).toBe(1);
    expect(res.ms).toBeLessThan(15_000);
  });

  it("an admin command that must enqueue a job says so in one line, exit 1", async () => {
    await K.createAccount("mallory");
    const res = await runToExit(env, ["accounts", "suspend", "mallory"]);
    expect(res.stdout + res.stderr).toBe(`kith: cannot connect to Redis at redis://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}\n`);
    expect(res.code).toBe(1);
  });
});

describe("Redis lost while running", { timeout: 90_000 }, () => {
  let K: KithInstance;
  let proxy: RedisProxy;

  beforeAll(async () => {
    proxy = new RedisProxy(await freePort());
    await proxy.open();
    K = await KithInstance.create("redis_outage", { REDIS_URL: `redis://127.0.0.1:${proxy.port}`, LOG_LEVEL: "info" });
    await K.start();
  }, 60_000);

  afterAll(async () => {
    await K?.destroy();
    await proxy?.cut().catch(() => undefined);
  });

  it("is logged once at warn when lost and once at info when back, and the server carries on", async () => {
    const alice = await K.createAccount("alice");
    const from = K.logs.length;
    const lines = () =>
      K.logs
        .slice(from)
        .join("")
        .split("\n")
        .filter((l) => l.trim());
    await proxy.cut();
    await waitFor(async () => lines().some((l) => l.includes("is unreachable")), "the outage to be logged", 10_000);
    // Every connection retries every few hundred milliseconds meanwhile.
    await sleep(4_000);
    await proxy.open();
    await waitFor(async () => lines().some((l) => l.includes("answers again")), "the recovery to be logged", 15_000);
    await sleep(1_000);

    const logged = lines();
    expect(logged.filter((l) => !l.startsWith("{"))).toEqual([]);
    const records = logged.map((l) => JSON.parse(l));
    const shown = `redis://127.0.0.1:${proxy.port}`;
    expect(records).toEqual([
      expect.objectContaining({ level: 40, redis: shown, msg: expect.stringMatching(new RegExp(`^Redis at ${shown} is unreachable \\(.+\\); retrying until it answers$`)) }),
      expect.objectContaining({ level: 30, redis: shown, msg: expect.stringMatching(new RegExp(`^Redis at ${shown} answers again, after \\d+\\.\\d s$`)) }),
    ]);
    expect(records[1].downSeconds).toBeGreaterThanOrEqual(4);

    // Back to work: the API answers, and the worker takes jobs off the queue again.
    expect((await K.api(alice.token, "POST", "/api/v1/statuses", { status: "still here" })).status).toBe(200);
    const redis = new Redis(REDIS, { maxRetriesPerRequest: null });
    const queue = new Queue("kith-jobs", { connection: redis, prefix: K.env.REDIS_PREFIX });
    try {
      const job = await queue.add("media.cleanup", {}, { removeOnComplete: false });
      await waitFor(async () => (await job.getState()) === "completed", "the worker to run a job after the outage", 15_000);
    } finally {
      await queue.close();
      await redis.quit();
    }
  });
});
