import { randomBytes } from "node:crypto";
import { CircuitBreaker, type MessageQueue } from "@fedify/fedify";
import { Follow } from "@fedify/vocab";
import { Temporal } from "@js-temporal/polyfill";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LISTENED } from "../federation/inbox/listeners.ts";
import { InboxOutcomes } from "../federation/inbox/outcomes.ts";
import { buildFederation, type KithFederation } from "../federation/federation.ts";
import { CIRCUIT_PREFIX, circuitBreakerOptions, compactCircuitFailures, failedOnSevenDays } from "../federation/circuit-breaker.ts";
import { keySealing } from "../federation/key-sealing.ts";
import { RedisKvStore } from "../federation/redis-kv.ts";
import { loadConfig } from "../src/config.ts";
import { createCore, type Core } from "../src/core.ts";
import { createDb, type Db } from "../src/db/client.ts";
import { migrateDatabase } from "../src/db/migrate.ts";
import { createRedis } from "../src/redis.ts";
import { BullMqMessageQueue } from "../workers/fedify-queue.ts";
import { PG, REDIS, clearRedisPrefix, dropDatabase } from "./helpers/instance.ts";
import { waitFor } from "./helpers/wait.ts";

// The BullMQ adapter behind Fedify's MessageQueue and the key sealing around
// it, in process, against the real Redis (and Postgres for the key store).

const name = `kith_test_queue_${randomBytes(4).toString("hex")}`;
const prefix = name;
let redis: Redis;
const stops: AbortController[] = [];
const closers: (() => Promise<unknown>)[] = [];

/** Listens on `queue` until the suite ends; returns what arrived, in order. */
function collect(queue: MessageQueue): { got: any[]; at: number[] } {
  const out = { got: [] as any[], at: [] as number[] };
  const stop = new AbortController();
  stops.push(stop);
  const done = queue.listen(
    (message) => {
      out.got.push(message);
      out.at.push(Date.now());
    },
    { signal: stop.signal },
  );
  closers.push(() => done);
  return out;
}

const ms = (milliseconds: number) => Temporal.Duration.from({ milliseconds }) as unknown as globalThis.Temporal.Duration;

beforeAll(() => {
  redis = createRedis(REDIS);
});

afterAll(async () => {
  for (const stop of stops) stop.abort();
  for (const close of closers) await close().catch(() => undefined);
  await clearRedisPrefix(prefix);
  await redis?.quit();
});

describe("BullMqMessageQueue", () => {
  it("delivers enqueued messages to listen, once each", async () => {
    const queue = new BullMqMessageQueue("t-basic", redis, prefix, 4);
    closers.push(() => queue.close());
    const { got } = collect(queue);
    await queue.enqueue({ type: "test", n: 1 });
    await queue.enqueue({ type: "test", n: 2 });
    await waitFor(async () => got.length >= 2, "two messages");
    expect(got.map((m) => m.n).sort()).toEqual([1, 2]);
    expect(await queue.getDepth()).toEqual({ queued: 0, ready: 0, delayed: 0 });
  });

  it("enqueueMany delivers every message", async () => {
    const queue = new BullMqMessageQueue("t-many", redis, prefix, 4);
    closers.push(() => queue.close());
    const { got } = collect(queue);
    await queue.enqueueMany(Array.from({ length: 25 }, (_, n) => ({ type: "test", n })));
    await waitFor(async () => got.length >= 25, "25 messages");
    expect(got.map((m) => m.n).sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, n) => n));
  });

  it("a job BullMQ gives up on is reported with the activity it carried and counted as failed", async () => {
    const errors: Error[] = [];
    const queue = new BullMqMessageQueue("t-given-up", redis, prefix, 1, undefined, (error) => errors.push(error));
    closers.push(() => queue.close());
    const stop = new AbortController();
    stops.push(stop);
    const done = queue.listen(() => Promise.reject(new Error("the disk is on fire")), { signal: stop.signal });
    closers.push(() => done);
    // One attempt, so the test needs not wait out BullMQ's backoff; the queue's own jobs get five.
    const raw = new Queue("t-given-up", { connection: redis, prefix });
    closers.push(() => raw.close());
    await raw.add("inbox", { type: "inbox", activity: { id: "https://far.example/notes/9/activity" } }, { attempts: 1 });
    await waitFor(async () => errors.length > 0, "the job to fail");
    expect(errors[0]!.message).toMatch(/failed for good after 1 attempts: the disk is on fire/);
    expect(errors[0]!.message).toContain("inbox https://far.example/notes/9/activity");
    await waitFor(async () => (await redis.hget(`${prefix}:kith-stats:t-given-up`, "failed")) === "1", "the failure to be counted");
  });

  it("honours delay", async () => {
    const queue = new BullMqMessageQueue("t-delay", redis, prefix, 4);
    closers.push(() => queue.close());
    const start = Date.now();
    await queue.enqueue({ type: "test", n: "late" }, { delay: ms(1500) });
    await queue.enqueueMany([{ type: "test", n: "later" }], { delay: ms(1800) });
    await queue.enqueue({ type: "test", n: "now" });
    // Nothing listens yet: the depth shows one ready and two delayed.
    expect(await queue.getDepth()).toEqual({ queued: 3, ready: 1, delayed: 2 });
    const { got, at } = collect(queue);
    await waitFor(async () => got.length >= 3, "three messages");
    expect(got.map((m) => m.n)).toEqual(["now", "late", "later"]);
    expect(at[0]! - start).toBeLessThan(1500);
    expect(at[1]! - start).toBeGreaterThanOrEqual(1500);
    expect(at[2]! - start).toBeGreaterThanOrEqual(1800);
  });
});

describe("fan-out batches", () => {
  const delivery = (activity: object, n: number, extra: object = {}) => ({ type: "outbox", id: `m${n}`, inbox: `https://host${n}.example/inbox`, attempt: 0, activity, ...extra });

  /** The jobs of a queue as Redis holds them: name and parsed data. */
  async function jobsOf(queueName: string) {
    const q = new Queue(queueName, { connection: redis, prefix });
    try {
      return (await q.getJobs(["waiting", "delayed", "prioritized"])).map((j) => ({ name: j.name, data: j.data, priority: j.opts.priority }));
    } finally {
      await q.close();
    }
  }

  it("queues a fan-out's deliveries 32 to a job with the activity stored once, and hands each message to the handler whole", async () => {
    const queue = new BullMqMessageQueue("t-batch", redis, prefix, 4);
    closers.push(() => queue.close());
    const activity = { type: "Create", id: "https://kith.example/a/1", object: { content: "x".repeat(2_000) } };
    const other = { type: "Delete", id: "https://kith.example/a/2" };
    await queue.enqueueMany([...Array.from({ length: 70 }, (_, n) => delivery(activity, n)), delivery(other, 70), { type: "inbox", n: 71 }]);

    const jobs = await jobsOf("t-batch");
    const batches = jobs.filter((j) => j.name === "outbox-batch");
    expect(batches.map((b) => b.data.batch.messages.length).sort((a: number, b: number) => a - b)).toEqual([1, 6, 32, 32]);
    for (const b of batches) for (const m of b.data.batch.messages) expect(m.activity).toBeUndefined();
    expect(jobs.filter((j) => j.name !== "outbox-batch").map((j) => j.data.type)).toEqual(["inbox"]);

    const { got } = collect(queue);
    await waitFor(async () => got.length >= 72, "72 messages");
    const outbox = got.filter((m) => m.type === "outbox");
    expect(outbox.map((m) => m.id).sort()).toEqual(Array.from({ length: 71 }, (_, n) => `m${n}`).sort());
    expect(outbox.find((m) => m.id === "m5")).toEqual(delivery(activity, 5));
    expect(outbox.find((m) => m.id === "m70").activity).toEqual(other);
  });

  it("batches deliveries with a priority apart, with it; keeps delayed ones and those with an ordering key as jobs of their own", async () => {
    const queue = new BullMqMessageQueue("t-batch-single", redis, prefix, 4, undefined, undefined, async (ms) => ms.map((m) => (/host[14]\./.test(m.inbox) ? 100 : undefined)));
    closers.push(() => queue.close());
    const activity = { type: "Create" };
    await queue.enqueueMany([delivery(activity, 0), delivery(activity, 1), delivery(activity, 2, { orderingKey: "k" }), delivery(activity, 4)]);
    await queue.enqueueMany([delivery(activity, 3)], { delay: ms(60_000) });
    const jobs = await jobsOf("t-batch-single");
    const batches = jobs.filter((j) => j.name === "outbox-batch").map((j) => [j.data.batch.messages.map((m: any) => m.id), j.priority ?? null]);
    expect(batches.sort()).toEqual([[["m0"], null], [["m1", "m4"], 100]]);
    expect(jobs.filter((j) => j.name === "outbox").map((j) => [j.data.id, j.priority ?? null]).sort()).toEqual([["m2", null], ["m3", null]]);
  });

  it("a message whose handling throws is queued again alone; the rest of its batch is not sent twice", async () => {
    const queue = new BullMqMessageQueue("t-batch-fail", redis, prefix, 4, undefined, () => {});
    closers.push(() => queue.close());
    const activity = { type: "Create" };
    const seen: string[] = [];
    let thrown = false;
    const stop = new AbortController();
    stops.push(stop);
    const done = queue.listen(
      (m) => {
        seen.push(m.id);
        if (m.id === "m3" && !thrown) {
          thrown = true;
          throw new Error("could not queue the retry");
        }
      },
      { signal: stop.signal },
    );
    closers.push(() => done);
    await queue.enqueueMany(Array.from({ length: 10 }, (_, n) => delivery(activity, n)));
    await waitFor(async () => seen.length >= 11, "ten messages and one repeat");
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.filter((id) => id === "m3")).toHaveLength(2);
    expect(seen.filter((id) => id !== "m3").sort()).toEqual(["m0", "m1", "m2", "m4", "m5", "m6", "m7", "m8", "m9"]);
  });
});

describe("inbox batches", () => {
  const received = (n: number, extra: object = {}) => ({ type: "inbox", id: `i${n}`, baseUrl: "https://kith.example", activity: { type: "Like", id: `https://remote.example/likes/${n}` }, started: "2026-11-21T00:00:00Z", attempt: 0, ...extra });

  async function jobsOf(queueName: string) {
    const q = new Queue(queueName, { connection: redis, prefix });
    try {
      return (await q.getJobs(["waiting", "delayed"])).map((j) => ({ name: j.name, data: j.data }));
    } finally {
      await q.close();
    }
  }

  it("activities received together share a job (32 at most), stored before enqueue resolves; each reaches the handler once and is counted", async () => {
    const queue = new BullMqMessageQueue("t-inbox", redis, prefix, 4);
    closers.push(() => queue.close());
    await Promise.all(Array.from({ length: 40 }, (_, n) => queue.enqueue(received(n))));

    const jobs = await jobsOf("t-inbox");
    expect(jobs.map((j) => j.name)).toEqual(["inbox-batch", "inbox-batch"]);
    expect(jobs.map((j) => j.data.batch.messages.length).sort((a, b) => a - b)).toEqual([8, 32]);
    expect(jobs[0]!.data.batch.activity).toBeUndefined();

    const before = await queue.processedCount();
    const { got } = collect(queue);
    await waitFor(async () => got.length >= 40, "40 activities");
    expect(got.map((m) => m.id).sort()).toEqual(Array.from({ length: 40 }, (_, n) => `i${n}`).sort());
    expect(got.find((m) => m.id === "i7")).toEqual(received(7));
    await waitFor(async () => (await queue.processedCount()) - before === 40 || null, "40 counted");
  });

  it("one arriving alone and Fedify's delayed retries stay jobs of their own; close() stores what is still waiting", async () => {
    const queue = new BullMqMessageQueue("t-inbox-single", redis, prefix, 4);
    await queue.enqueue(received(1));
    await queue.enqueue(received(2, { attempt: 1 }), { delay: ms(60_000) });
    const waiting = queue.enqueue(received(3));
    await queue.close();
    await waiting;
    const jobs = await jobsOf("t-inbox-single");
    expect(jobs.map((j) => [j.name, j.data.id]).sort()).toEqual([["inbox", "i1"], ["inbox", "i2"], ["inbox", "i3"]]);
  });
});

describe("key sealing", () => {
  const dbName = `${name}_keys`;
  let db: Db;
  let core: Core;
  let federation: KithFederation;
  let queues: { inbox: BullMqMessageQueue; outbox: BullMqMessageQueue; fanout: BullMqMessageQueue };
  let hooks: ReturnType<typeof keySealing>;
  let alice: { id: bigint; uri: string };
  let jwks: JsonWebKey[];

  beforeAll(async () => {
    await migrateDatabase({ databaseUrl: `${PG}/${dbName}` });
    const config = loadConfig({
      KITH_PUBLIC_URL: "http://127.0.0.1:9",
      DATABASE_URL: `${PG}/${dbName}`,
      REDIS_URL: REDIS,
      REDIS_PREFIX: prefix,
      KITH_ALLOW_PRIVATE_ADDRESS: "true",
    });
    db = createDb(config.databaseUrl, 2);
    core = createCore(config, db, { enqueue: async () => undefined });
    hooks = keySealing(() => federation, () => core);
    const queue = (n: string) => new BullMqMessageQueue(`k-${n}`, redis, prefix, 4, hooks);
    queues = { inbox: queue("inbox"), outbox: queue("outbox"), fanout: queue("fanout") };
    for (const q of Object.values(queues)) closers.push(() => q.close());
    federation = buildFederation(config, new RedisKvStore(redis, prefix), queues, new InboxOutcomes({ count: () => undefined, failed: () => undefined }, LISTENED));
    alice = await core.accounts.createLocal("alice");
    jwks = (await core.keys.keyPairs(alice.id)).map((p) => p.privateJwk);
    expect(jwks.map((k) => k.kty)).toEqual(["RSA", "OKP"]);
    expect(jwks.every((k) => typeof k.d === "string")).toBe(true);
  }, 60_000);

  afterAll(async () => {
    await db?.$disconnect();
    await dropDatabase(dbName);
  });

  const follow = (n: number) =>
    new Follow({ id: new URL(`${alice.uri}#follows/${n}`), actor: new URL(alice.uri), object: new URL(`https://remote.example/users/u${n}`) });
  const recipient = (n: number) => ({ id: new URL(`https://remote.example/users/u${n}`), inboxId: new URL(`https://remote.example/users/u${n}/inbox`), endpoints: null });

  /** The jobs of a queue exactly as Redis holds them. */
  async function rawJobs(queueName: string): Promise<string[]> {
    const q = new Queue(queueName, { connection: redis, prefix });
    try {
      const jobs = await q.getJobs(["waiting", "delayed", "prioritized"]);
      return Promise.all(jobs.map(async (j) => (await redis.hget(`${prefix}:${queueName}:${j.id}`, "data"))!));
    } finally {
      await q.close();
    }
  }

  it("an outbox message Fedify builds reaches Redis without private keys, and the worker gets them back", async () => {
    const ctx = federation.createContext(core.config.publicUrl, core);
    await ctx.sendActivity({ identifier: "alice" }, recipient(1), follow(1));

    const [raw, ...more] = await rawJobs("k-outbox");
    expect(more).toEqual([]);
    // A fan-out's deliveries are queued as a batch; this one holds one message.
    const job = JSON.parse(raw!);
    expect(job.batch.messages).toHaveLength(1);
    expect(job.batch.activity.type).toBe("Follow");
    const stored = { ...job.batch.messages[0], activity: job.batch.activity };
    expect(stored.type).toBe("outbox");
    expect(stored.inbox).toBe("https://remote.example/users/u1/inbox");
    expect(stored.keys).toEqual([
      { keyId: `${alice.uri}#main-key`, privateKey: null },
      { keyId: `${alice.uri}#key-2`, privateKey: null },
    ]);
    expect(raw).not.toMatch(/"d"\s*:/);
    for (const jwk of jwks) expect(raw).not.toContain(jwk.d);

    const restored = await hooks.unseal(stored);
    expect(restored!.keys!.map((k: any) => k.privateKey)).toEqual(jwks);

    // And through the queue: the handler sees the keys, Redis never did.
    const { got } = collect(queues.outbox);
    await waitFor(async () => got.length >= 1, "the outbox message");
    expect(got[0].keys.map((k: any) => k.privateKey.d)).toEqual(jwks.map((k) => k.d));
    expect(got[0].activityId).toBe(`${alice.uri}#follows/1`);
  });

  it("signing reuses the worker's imported key instead of importing the JWK again", async () => {
    const sealed = { type: "outbox", inbox: "https://remote.example/users/u7/inbox", keys: [{ keyId: `${alice.uri}#main-key`, privateKey: null }] };
    const restored = await hooks.unseal(sealed);
    const [rsa] = await core.keys.keyPairs(alice.id);
    const jwk = restored!.keys![0]!.privateKey!;
    const again = await crypto.subtle.importKey("jwk", jwk, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, true, ["sign"]);
    expect(again).toBe(rsa!.privateKey);
    // A copy of the same JWK is another object: imported as usual.
    const copy = await crypto.subtle.importKey("jwk", { ...jwk }, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, true, ["sign"]);
    expect(copy).not.toBe(rsa!.privateKey);
    expect(copy.type).toBe("private");
  });

  it("a fan-out message is sealed the same way", async () => {
    const ctx = federation.createContext(core.config.publicUrl, core);
    await ctx.sendActivity({ identifier: "alice" }, [1, 2, 3].map(recipient), follow(2), { fanout: "force" });
    const [raw] = await rawJobs("k-fanout");
    const stored = JSON.parse(raw!);
    expect(stored.type).toBe("fanout");
    expect(Object.keys(stored.inboxes)).toHaveLength(3);
    expect(raw).not.toMatch(/"d"\s*:/);
    const restored = await hooks.unseal(stored);
    expect(restored!.keys!.map((k: any) => k.privateKey)).toEqual(jwks);
  });

  it("a retry Fedify re-enqueues is sealed again", async () => {
    const unsealed = await hooks.unseal(JSON.parse((await rawJobs("k-fanout"))[0]!));
    await queues.outbox.enqueue({ ...unsealed, type: "outbox", inbox: "https://remote.example/inbox", attempt: 1 }, { delay: ms(60_000) });
    const raws = await rawJobs("k-outbox");
    expect(raws).toHaveLength(1);
    expect(raws[0]).not.toMatch(/"d"\s*:/);
  });

  it("drops a delivery to a private address, or from an actor that is gone", async () => {
    const strict = keySealing(() => federation, () => ({ ...core, config: { ...core.config, allowPrivateAddress: false } }));
    const message = { type: "outbox", inbox: "http://127.0.0.1:9/inbox", keys: [{ keyId: `${alice.uri}#main-key`, privateKey: null }] };
    expect(await strict.unseal(message)).toBeNull();
    expect(await strict.unseal({ ...message, inbox: "ftp://remote.example/inbox" })).toBeNull();
    // A name is not looked up here: the transport checks the address it connects to (tests/outbox-transport.test.ts).
    expect(await strict.unseal({ ...message, inbox: "https://kith-test.invalid/inbox" })).not.toBeNull();
    expect(await hooks.unseal(message)).not.toBeNull();
    expect(await hooks.unseal({ ...message, keys: [{ keyId: `${core.config.publicUrl.origin}/users/nobody#main-key`, privateKey: null }] })).toBeNull();
    expect(await hooks.unseal({ ...message, keys: [{ keyId: `${alice.uri}#key-9`, privateKey: null }] })).toBeNull();
    // Messages without keys (inbox) pass through untouched.
    const inbox = { type: "inbox", activity: { id: "x" } };
    expect(hooks.seal(inbox)).toBe(inbox);
    expect(await hooks.unseal(inbox)).toBe(inbox);
  });
});

describe("circuit breaker", () => {
  const day = (d: number, h = 12, m = 0) => Temporal.Instant.from(`2026-03-${String(d).padStart(2, "0")}T${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}:00Z`);
  const asStd = (xs: Temporal.Instant[]) => xs as unknown as globalThis.Temporal.Instant[];

  it("failedOnSevenDays is true only for failures on 7 distinct UTC days", () => {
    expect(failedOnSevenDays([])).toBe(false);
    // Many failures on 6 days are not enough.
    expect(failedOnSevenDays(asStd([1, 2, 3, 4, 5, 6].flatMap((d) => [day(d, 1), day(d, 12), day(d, 23, 59)])))).toBe(false);
    expect(failedOnSevenDays(asStd([1, 2, 3, 4, 5, 6, 7].map((d) => day(d))))).toBe(true);
    // Days need not be consecutive.
    expect(failedOnSevenDays(asStd([1, 3, 5, 7, 9, 11, 13].map((d) => day(d))))).toBe(true);
    // 7 failures within one day, or within 24 hours over two UTC days.
    expect(failedOnSevenDays(asStd(Array.from({ length: 7 }, (_, h) => day(1, h))))).toBe(false);
    expect(failedOnSevenDays(asStd([day(1, 23, 0), day(1, 23, 59), day(2, 0, 0), day(2, 0, 1)]))).toBe(false);
    // UTC days: 23:59 and 00:00 are two days; the same UTC day in another zone is still one.
    const edges = [1, 2, 3, 4, 5, 6].map((d) => day(d, 23, 59));
    expect(failedOnSevenDays(asStd([...edges, day(7, 0, 0)]))).toBe(true);
    expect(failedOnSevenDays(asStd([...edges, Temporal.Instant.from("2026-03-06T23:59:30+00:00")]))).toBe(false);
    expect(failedOnSevenDays(asStd([...edges, Temporal.Instant.from("2026-03-07T01:00:00+02:00")]))).toBe(false);
  });

  it("opens after failures on 7 days even when a host fails hundreds of times a day", async () => {
    let now = day(1);
    const breaker = new CircuitBreaker({
      kv: compactCircuitFailures(new RedisKvStore(redis, prefix)),
      prefix: [...CIRCUIT_PREFIX],
      options: circuitBreakerOptions,
      now: () => now as unknown as globalThis.Temporal.Instant,
    });
    const host = "dead.example";
    const outbox = { type: "outbox" } as any;
    for (let d = 1; d <= 6; d++) {
      for (let i = 0; i < 150; i++) {
        now = day(d, 0, 0).add({ seconds: i * 60 });
        expect(await breaker.recordFailure(host)).toBeUndefined();
      }
      expect((await breaker.beforeSend(host, outbox)).type).toBe("send");
    }
    const state = await breaker.getState(host);
    expect(state?.state).toBe("closed");
    expect(state?.failures).toHaveLength(6);
    now = day(7, 0, 1);
    expect(await breaker.recordFailure(host)).toEqual({ previousState: "closed", newState: "open" });
    expect((await breaker.beforeSend(host, outbox)).type).toBe("hold");

    // A success (after the recovery delay, the probe) closes it and forgets the failures.
    now = day(7, 2);
    expect((await breaker.beforeSend(host, outbox)).type).toBe("send");
    await breaker.recordSuccess(host);
    now = day(8);
    await breaker.recordFailure(host);
    expect((await breaker.getState(host))?.failures).toHaveLength(1);
  }, 30_000);
});
