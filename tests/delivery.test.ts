import { once } from "node:events";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { KithInstance, REDIS, type KithProcess, type TestAccount } from "./helpers/instance.ts";
import { QueueWatch } from "./helpers/queues.ts";
import { waitFor } from "./helpers/wait.ts";

// Delivery under failure: a receiving server that is down, a worker killed
// mid-flight, inboxes that answer 410 or 500. Real Kith processes on
// loopback ports; failures are observed from the outside (timelines, the
// requests a fake server receives, the jobs left in Redis).

let redis: Redis;
const queues = new Map<string, Queue>();

beforeAll(() => {
  redis = new Redis(REDIS, { maxRetriesPerRequest: null });
});

afterAll(async () => {
  for (const q of queues.values()) await q.close();
  await watch.close();
  await redis?.quit();
});

/** A BullMQ handle on one of an instance's queues, to look at its jobs in Redis. */
function queueOf(instance: KithInstance, name: string): Queue {
  const key = `${instance.env.REDIS_PREFIX}:${name}`;
  let queue = queues.get(key);
  if (!queue) {
    queue = new Queue(name, { connection: redis, prefix: instance.env.REDIS_PREFIX });
    queues.set(key, queue);
  }
  return queue;
}

const QUEUES = ["kith-jobs", "fedify-outbox", "fedify-fanout", "fedify-inbox"] as const;

/** BullMQ job counts of an instance's queues, summed. */
async function jobCounts(instance: KithInstance, names: readonly string[] = QUEUES) {
  const total = { active: 0, waiting: 0, delayed: 0, prioritized: 0 };
  for (const name of names) {
    const counts = await queueOf(instance, name).getJobCounts(...(Object.keys(total) as (keyof typeof total)[]));
    for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += counts[k] ?? 0;
  }
  return total;
}

const watch = new QueueWatch();
/** Nothing left to run; jobs scheduled far ahead on purpose (the hourly media sweep) do not count. */
const idle = (instance: KithInstance) => watch.idle(instance);

/** The outbox messages waiting for a retry, as Fedify wrote them. */
async function delayedDeliveries(instance: KithInstance): Promise<{ inbox: string; attempt: number }[]> {
  return (await queueOf(instance, "fedify-outbox").getJobs(["delayed"])).map((j) => j.data);
}

/** On failure, what the instances logged (warnings and errors) goes with the report. */
function dumpLogsOnFailure(instances: () => (KithInstance | undefined)[]) {
  afterEach((ctx) => {
    if (ctx.task.result?.state !== "fail") return;
    for (const i of instances()) if (i) console.error(`--- ${i.origin} ---\n${i.logs.join("").slice(-4000)}`);
  });
}

const home = async (i: KithInstance, who: TestAccount) => (await i.api(who.token, "GET", "/api/v1/timelines/home?limit=40")).body as any[];

describe("delivery between two instances", () => {
  // A runs as two processes, ROLE=web and ROLE=worker; B as one (ROLE=all).
  let A: KithInstance;
  let B: KithInstance;
  let worker: KithProcess;
  let alice: TestAccount; // @A
  let bob: TestAccount; // @B, follows alice

  beforeAll(async () => {
    [A, B] = await Promise.all([KithInstance.create("dl_a"), KithInstance.create("dl_b")]);
    await Promise.all([A.start("web"), B.start("all")]);
    worker = A.spawnWorker();
    [alice, bob] = await Promise.all([A.createAccount("alice"), B.createAccount("bob")]);
    const aliceOnB = await B.resolve(bob.token, alice.acct);
    expect((await B.api(bob.token, "POST", `/api/v1/accounts/${aliceOnB}/follow`)).status).toBe(200);
    await waitFor(async () => (await B.api(bob.token, "GET", `/api/v1/accounts/relationships?id[]=${aliceOnB}`)).body[0]?.following, "bob's follow to be accepted");
  }, 60_000);

  afterAll(async () => {
    await Promise.all([A?.destroy(), B?.destroy()]);
  });
  dumpLogsOnFailure(() => [A, B]);

  it("a delivery to an inbox that is down is retried and arrives when it comes back", async () => {
    await B.stop("SIGTERM");
    const post = (await A.api(alice.token, "POST", "/api/v1/statuses", { status: "posted while B was down" })).body;
    expect(post.uri).toBeTruthy();
    // A has tried twice and failed (B refuses connections) and has a retry scheduled.
    await waitFor(async () => (await delayedDeliveries(A)).some((m) => m.inbox.startsWith(B.origin) && m.attempt >= 2), "A to have retried the delivery to B twice");
    await B.start("all");
    const arrived = await waitFor(async () => (await home(B, bob)).find((s) => s.uri === post.uri), "the post on B after it came back", 30_000);
    expect(arrived.content).toContain("posted while B was down");
  }, 45_000);

  it("a worker killed in the middle loses no delivery", async () => {
    const N = 20;
    await worker.stop("SIGTERM");
    const posts: { uri: string }[] = [];
    for (let i = 0; i < N; i++) {
      const res = await A.api(alice.token, "POST", "/api/v1/statuses", { status: `queued post ${i}` });
      expect(res.status).toBe(200);
      posts.push(res.body);
    }
    // No worker runs: every job waits in Redis (at least a federate job per post).
    const pile = (await jobCounts(A, ["kith-jobs"])).waiting;
    expect(pile).toBeGreaterThanOrEqual(N);

    // A worker starts on the pile; kill it as soon as deliveries are in flight.
    const doomed = A.spawnWorker();
    await waitFor(async () => (await jobCounts(A, ["fedify-outbox"])).active > 0, "the new worker to be sending", 20_000, 2);
    await doomed.stop("SIGKILL");
    // Jobs the dead worker held stay active under locks nobody renews; the
    // rest wait. Not all posts have reached B.
    const orphaned = await jobCounts(A);
    expect(orphaned.active).toBeGreaterThan(0);
    expect((await home(B, bob)).filter((s) => s.content.includes("queued post")).length).toBeLessThan(N);

    worker = A.spawnWorker();
    const wanted = new Set(posts.map((p) => p.uri));
    const seen = await waitFor(
      async () => {
        const mine = (await home(B, bob)).filter((s) => wanted.has(s.uri));
        return mine.length >= N ? mine : null;
      },
      `all ${N} posts on B (stalled jobs are recovered after the lock expires)`,
      40_000,
    );
    expect(seen).toHaveLength(N);
    expect(new Set(seen.map((s) => s.uri)).size).toBe(N);
    expect(new Set(seen.map((s) => s.id)).size).toBe(N);
    // And nothing left behind in A's queues.
    await waitFor(() => idle(A), "A's queues to drain");
    expect((await home(B, bob)).filter((s) => wanted.has(s.uri))).toHaveLength(N);
  }, 55_000);
});

/**
 * A fake remote server on a loopback port: WebFinger and a Person for each
 * actor, and an inbox per actor that records every POST and answers with
 * that actor's status, after `gate` (if any) lets it.
 */
class FakeServer {
  readonly posts = new Map<string, { at: number; body: any; rfc9421: boolean }[]>();
  private readonly statuses = new Map<string, number>();
  private readonly gates = new Map<string, Promise<void>>();
  private server: Server | null = null;
  origin = "";

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req).then(({ status, type, body }) => {
      res.writeHead(status, type ? { "content-type": type } : {});
      res.end(body);
    }));
    this.server.listen(0, "127.0.0.1");
    await once(this.server, "listening");
    this.origin = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }

  get host() {
    return new URL(this.origin).host;
  }

  addActor(username: string, inboxStatus: number, gate?: Promise<void>): string {
    this.statuses.set(username, inboxStatus);
    this.posts.set(username, []);
    if (gate) this.gates.set(username, gate);
    return `${username}@${this.host}`;
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; type?: string; body?: string }> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? "/", this.origin);
    if (req.method === "GET" && url.pathname === "/.well-known/webfinger") {
      const username = /^acct:([^@]+)@/.exec(url.searchParams.get("resource") ?? "")?.[1];
      if (!username || !this.statuses.has(username)) return { status: 404 };
      const jrd = { subject: `acct:${username}@${this.host}`, links: [{ rel: "self", type: "application/activity+json", href: `${this.origin}/users/${username}` }] };
      return { status: 200, type: "application/jrd+json", body: JSON.stringify(jrd) };
    }
    const m = /^\/users\/([^/]+)(\/inbox)?$/.exec(url.pathname);
    const username = m?.[1];
    if (!username || !this.statuses.has(username)) return { status: 404 };
    if (req.method === "POST" && m[2]) {
      const rfc9421 = req.headers["signature-input"] !== undefined;
      this.posts.get(username)!.push({ at: Date.now(), body: JSON.parse(Buffer.concat(chunks).toString("utf8")), rfc9421 });
      await this.gates.get(username);
      return { status: this.statuses.get(username)! };
    }
    const id = `${this.origin}/users/${username}`;
    const actor = {
      "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
      id,
      type: "Person",
      preferredUsername: username,
      inbox: `${id}/inbox`,
      followers: `${id}/followers`,
      following: `${id}/following`,
    };
    return { status: 200, type: "application/activity+json", body: JSON.stringify(actor) };
  }

  /**
   * The first request of each delivery attempt an inbox saw. Fedify signs an
   * attempt's first knock with the spec it remembers for the origin (the one
   * it used last; draft-cavage at first) and, when that is refused with any
   * status >= 400, knocks again at once with the other spec ("double
   * knocking"): one attempt, two requests. So a request signed like the one
   * before it starts a new attempt; one signed the other way is a second knock.
   */
  attempts(username: string) {
    const requests = this.posts.get(username)!;
    return requests.filter((r, i) => i === 0 || r.rfc9421 === requests[i - 1]!.rfc9421);
  }

  async close() {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}

describe("delivery to a failing inbox", () => {
  let C: KithInstance;
  let fake: FakeServer;
  let carol: TestAccount; // @C
  let releaseBroken!: () => void;

  beforeAll(async () => {
    [C, fake] = await Promise.all([KithInstance.create("dl_c"), new FakeServer().start()]);
    await C.start("all");
    carol = await C.createAccount("carol");
  }, 60_000);

  dumpLogsOnFailure(() => [C]);

  afterAll(async () => {
    releaseBroken?.();
    await C?.destroy();
    await fake?.close();
  });

  it("404/410 from an inbox stops at once", async () => {
    for (const [username, status] of [["gone", 410], ["missing", 404]] as const) {
      const onC = await C.resolve(carol.token, fake.addActor(username, status));
      const res = await C.api(carol.token, "POST", `/api/v1/accounts/${onC}/follow`);
      expect(res.status).toBe(200);
    }
    await waitFor(async () => fake.posts.get("gone")!.length >= 1 && fake.posts.get("missing")!.length >= 1, "the Follows to reach the inboxes");
    // Once C's queues are idle, no retry is scheduled: Fedify enqueues a retry
    // before it finishes the failed job, so there is nothing left to come.
    await waitFor(() => idle(C), "C's queues to be idle");
    for (const username of ["gone", "missing"]) {
      const requests = fake.posts.get(username)!;
      expect(fake.attempts(username)).toHaveLength(1);
      expect(requests[0]!.body.type).toBe("Follow");
      // At most the second knock of that same attempt, signed the other way.
      expect(requests.length).toBeLessThanOrEqual(2);
      expect(requests.slice(1).every((r) => r.rfc9421 !== requests[0]!.rfc9421 && r.body.id === requests[0]!.body.id)).toBe(true);
    }
  });

  it("a delivery to an inbox answering 500 is retried, and the request that caused it returned at once", async () => {
    // The inbox holds its first answer until the API call has returned: were
    // delivery part of the request, the request would never return.
    const gate = new Promise<void>((resolve) => (releaseBroken = resolve));
    const broken = fake.addActor("broken", 500, gate);
    const brokenOnC = await C.resolve(carol.token, broken);
    const started = Date.now();
    const res = await C.api(carol.token, "POST", `/api/v1/accounts/${brokenOnC}/follow`);
    const took = Date.now() - started;
    expect(res.status).toBe(200);
    expect(res.body.requested || res.body.following).toBe(true);
    expect(took).toBeLessThan(5_000);
    await waitFor(async () => fake.attempts("broken").length >= 1, "the first delivery attempt");
    releaseBroken();
    await waitFor(async () => fake.attempts("broken").length >= 2, "a second delivery attempt");
    const [first, second] = fake.attempts("broken");
    expect(second!.body.id).toBe(first!.body.id);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1_000); // KITH_DELIVERY_RETRY_BASE_SECONDS=1
    // And more are scheduled.
    await waitFor(async () => (await delayedDeliveries(C)).some((m) => m.inbox.startsWith(fake.origin) && m.attempt >= 2), "a further retry to be scheduled");
  });
});
