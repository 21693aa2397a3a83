import { once } from "node:events";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import type { Kith } from "../src/main.ts";
import { freePort, now, REDIS, sandbox, sleep, startBenchKith, withPg } from "./lib/env.ts";
import { Redis } from "ioredis";
import { BullMqMessageQueue } from "../workers/fedify-queue.ts";
import { INBOX_OUTCOMES, readCounters, statsKey } from "../src/stats/redis-counters.ts";
import { mark, perItem } from "./lib/counters.ts";
import { CpuMeter } from "./lib/cpu.ts";
import { signingRates } from "./lib/limits.ts";
import { startProfile, stopProfile } from "./lib/profiler.ts";
import { noopJobRate, QueueWatch } from "./lib/queues.ts";
import { RpcChild } from "./lib/rpc.ts";
import { loopbackHost } from "./lib/sink.ts";
import { median, round, type Figure } from "./lib/stats.ts";

// Inbox: Mastodon-shaped activities (Create{Note} 60 %, Like 30 %, Follow
// 10 %) from remote actors on loopback hosts, signed the way Mastodon signs,
// POSTed to Kith's shared inbox over many keep-alive connections by a load
// generator in another process.
//
//  1. Warm-up (ROLE=all): one Follow per actor, so Kith fetches every actor
//     and caches every key in its KV store, as production has; local accounts
//     then follow every actor (seeded), so Creates reach home feeds.
//  2. Accepted/s (ROLE=web): signature verified, activity enqueued, 202.
//  3. Processed/s (ROLE=worker, one process = one core): the queue built up in
//     step 2 drained by the inbox listeners, including the jobs they cause
//     (timeline fan-out, Accept deliveries).
//  4. Nothing lost (not timed): the worker finishes the queue, then every
//     Create answered 202 must be a stored status, and every activity
//     answered 202 must have an outcome (federation/inbox/outcomes.ts), none
//     failed; otherwise the run fails.
// Limits in the same run: a plain node:http server answering 202 to the same
// requests, RSA verifies/s on one core, and BullMQ no-op jobs/s.

// BENCH_INBOX_MIX='{"create":0,"like":0,"follow":1}' measures one kind alone (diagnosis only; the figure is for the mix).
const MIX = process.env.BENCH_INBOX_MIX ? JSON.parse(process.env.BENCH_INBOX_MIX) : { create: 0.6, like: 0.3, follow: 0.1 };

export async function run({ quick }: { quick: boolean }): Promise<Figure[]> {
  const runs = quick ? 3 : 5;
  const perRun = quick ? 1200 : 5000;
  const concurrency = 64;
  const actorHosts = Array.from({ length: quick ? 4 : 10 }, (_, i) => loopbackHost(5, i));
  const actorsPerHost = 5;
  const localCount = quick ? 4 : 8;
  const statusCount = quick ? 60 : 300;

  const box = await sandbox("inbox");
  const port = await freePort();
  const inbox = `http://127.0.0.1:${port}/inbox`;
  const loadgen = new RpcChild(fileURLToPath(new URL("./lib/loadgen-process.ts", import.meta.url)));
  const watch = new QueueWatch(box.prefix);
  const redis = new Redis(REDIS);
  const meter = new CpuMeter(redis, [loadgen.pid]);
  let kith: Kith | null = null;
  try {
    const verify = (await signingRates(300, 1)).verifyPerSecond;
    const actorIds = await loadgen.call<string[]>("actors", { hosts: actorHosts, port: await freePort(), perHost: actorsPerHost }, 120_000);

    // 1. Warm-up, ROLE=all.
    kith = await startBenchKith({ sandbox: box, port });
    const locals = [];
    for (let i = 0; i < localCount; i++) locals.push(await kith.core.accounts.createLocal(`local${i}`));
    const statuses: string[] = [];
    for (let i = 0; i < statusCount; i++) {
      statuses.push((await kith.core.statuses.create(locals[i % locals.length]!, { text: `Local post ${i} to be liked`, visibility: "public" })).uri);
    }
    const targets = { localActors: locals.map((a) => a.uri), statuses };
    await loadgen.call("build", { name: "keys", inbox, count: actorIds.length, mix: MIX, targets, followsOnly: true });
    await loadgen.call("build", { name: "warm", inbox, count: quick ? 300 : 1500, mix: MIX, targets });
    for (let r = 0; r < runs; r++) await loadgen.call("build", { name: `run${r}`, inbox, count: perRun, mix: MIX, targets }, 300_000);

    const keys = await loadgen.call("send", { name: "keys", concurrency: 8, timeoutMs: 30_000 });
    if (keys.statuses["202"] !== actorIds.length) throw new Error(`warm-up Follows: ${JSON.stringify(keys.statuses)}`);
    await watch.settle(60_000);
    const remote = await withPg(box.name, async (c) => {
      const r = await c.query(
        `INSERT INTO "Follow" (id, "followerId", "followingId", uri, state)
         SELECT 7000000000000 + row_number() OVER (), l.id, r.id, $1 || l.id || '/' || r.id, 'accepted'
         FROM "Account" l, "Account" r WHERE l.domain IS NULL AND r.domain IS NOT NULL ON CONFLICT DO NOTHING`,
        [`http://127.0.0.1:${port}/activities/follows/bench-`],
      );
      await c.query(`UPDATE "Account" a SET "followingCount" = (SELECT count(*) FROM "Follow" f WHERE f."followerId" = a.id), "followersCount" = (SELECT count(*) FROM "Follow" f WHERE f."followingId" = a.id)`);
      return { follows: r.rowCount, remoteAccounts: (await c.query(`SELECT count(*)::int AS n FROM "Account" WHERE domain IS NOT NULL`)).rows[0].n };
    });
    if (remote.remoteAccounts !== actorIds.length) throw new Error(`warm-up stored ${remote.remoteAccounts} of ${actorIds.length} remote actors`);
    const warm = await loadgen.call("send", { name: "warm", concurrency, timeoutMs: 60_000 });
    await watch.settle(120_000);
    await kith.close();
    kith = null;

    // The HTTP ceiling: the same requests to a node:http server that reads the body and answers 202.
    const plainPort = await freePort();
    const plain = createServer((req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(202, { "content-length": "0" }).end());
    }).listen(plainPort, "127.0.0.1");
    await once(plain, "listening");
    const ceiling = await loadgen.call("send", { name: "run0", concurrency, timeoutMs: 60_000, target: `http://127.0.0.1:${plainPort}` });
    plain.closeAllConnections();
    plain.close();

    // 2. Accepted/s, ROLE=web.
    kith = await startBenchKith({ sandbox: box, port, role: "web" });
    await sleep(200);
    const accepted = [];
    const acceptMark = mark();
    const acceptCpu0 = await meter.mark();
    await startProfile();
    for (let r = 0; r < runs; r++) {
      const cpu = process.cpuUsage();
      const res = await loadgen.call("send", { name: `run${r}`, concurrency, timeoutMs: 120_000 }, 180_000);
      const used = process.cpuUsage(cpu);
      accepted.push({ ...res, cpuMs: (used.user + used.system) / 1000 });
      await loadgen.call("drop", { name: `run${r}` });
      await sleep(200);
    }
    await stopProfile("inbox-accept");
    const acceptCpu = CpuMeter.per(acceptCpu0, await meter.mark(), runs * perRun);
    const acceptCounts = perItem(acceptMark, runs * perRun);
    await kith.close();
    kith = null;
    const acceptedTotal = accepted.reduce((n, a) => n + (a.statuses["202"] ?? 0), 0);
    // Inbox jobs hold several activities (workers/fedify-queue.ts), so progress is read from the workers' message count.
    const inboxQueue = new BullMqMessageQueue("fedify-inbox", redis, box.prefix, 1);
    const handledBefore = await inboxQueue.processedCount();
    const handled = async () => (await inboxQueue.processedCount()) - handledBefore;
    const queued = acceptedTotal;
    const createsAccepted = accepted.reduce((n, a) => n + (a.acceptedByKind.create ?? 0), 0);
    const remoteNotes = () => withPg(box.name, async (c) => Number((await c.query(`SELECT count(*) AS n FROM "Status" WHERE NOT local`)).rows[0].n));
    const outcomes = () => readCounters(redis, statsKey(box.prefix, INBOX_OUTCOMES));
    const notesBefore = await remoteNotes();
    const outcomesBefore = await outcomes();

    // 3. Processed/s, ROLE=worker, bounded in time.
    const bound = quick ? 8_000 : 90_000;
    const chunk = quick ? 250 : 1000;
    kith = await startBenchKith({ sandbox: box, port, role: "worker" });
    const cpu = process.cpuUsage();
    const t0 = now();
    const processMark = mark();
    const processCpu0 = await meter.mark();
    await startProfile();
    const marks: number[] = [];
    let left = queued;
    let all = 0;
    while (now() - t0 < bound) {
      await sleep(50);
      const counts = await watch.counts();
      left = queued - (await handled());
      all = Object.values(counts).reduce((a, b) => a + b, 0);
      while (queued - left >= (marks.length + 1) * chunk) marks.push(now());
      if (all === 0) break;
    }
    const elapsed = now() - t0;
    await stopProfile("inbox-process");
    const processCpuMark = await meter.mark();
    const processCounts = perItem(processMark, Math.max(1, await handled()));
    const used = process.cpuUsage(cpu);
    const processed = queued - left;
    // 4. What the bound left is finished, unmeasured, before anything is counted.
    await watch.settle(300_000);
    await kith.close();
    kith = null;
    const kept = await accountedFor(createsAccepted, (await remoteNotes()) - notesBefore, acceptedTotal, outcomesBefore, await outcomes());
    await inboxQueue.close();
    const processCpu = CpuMeter.per(processCpu0, processCpuMark, Math.max(1, processed));
    const delayed = await watch.delayed();
    const chunkRates = marks.map((t, i) => (chunk * 1000) / (t - (i ? marks[i - 1]! : t0)));
    const processRate = (processed * 1000) / elapsed;
    const workerCpuSeconds = (used.user + used.system) / 1e6;

    const noop = await noopJobRate(box.prefix, quick ? 3000 : 10000, 16, { activity: "x".repeat(2500) });

    const acceptRates = accepted.map((a) => a.perSecond);
    const acceptValue = median(acceptRates);
    return [
      {
        key: "inbox.accepted_per_s",
        title: `Inbox: signed activities accepted/s (202), ${concurrency} connections`,
        unit: "activities/s",
        value: round(acceptValue, 0),
        runs: acceptRates.map((r) => round(r, 0)),
        target: 2000,
        better: "higher",
        limit: { title: "plain node:http 202, same requests", value: round(ceiling.perSecond, 0), unit: "req/s" },
        ratio: { value: round(acceptValue / ceiling.perSecond, 3), of: "÷ plain HTTP" },
        notes: "ROLE=web in the measuring process; load generator in another process; keys pre-warmed in Fedify's KV cache.",
        extra: {
          perRun,
          statuses: accepted.map((a) => a.statuses),
          latencyP50Ms: round(median(accepted.map((a) => a.p50)), 1),
          latencyP99Ms: round(median(accepted.map((a) => a.p99)), 1),
          kithCpuMsPerActivity: round(median(accepted.map((a) => a.cpuMs / a.sent)), 3),
          cpuMsPerActivity: acceptCpu,
          rsaVerifyPerSecondOneCore: round(verify, 0),
          counts: acceptCounts,
          warmUp: { follows: keys.statuses, warm: warm.statuses, seededLocalFollows: remote.follows },
        },
      },
      {
        key: "inbox.processed_per_s",
        title: "Inbox: activities processed/s by one worker process",
        unit: "activities/s",
        value: round(chunkRates.length ? median(chunkRates) : processRate, 0),
        runs: chunkRates.map((r) => round(r, 0)),
        target: 500,
        better: "higher",
        targetNote: "≥ 500/s per worker core (one ROLE=worker process)",
        limit: { title: "BullMQ no-op jobs/s, 1 process, concurrency 16", value: round(noop, 0), unit: "jobs/s" },
        ratio: { value: round((chunkRates.length ? median(chunkRates) : processRate) / noop, 3), of: "÷ no-op jobs/s" },
        notes: `Runs are successive chunks of ${chunk} taken off the queue (median shown); bounded to ${bound / 1000} s. Includes the jobs the listeners enqueue (timeline fan-out, Accept deliveries).`,
        extra: {
          queued,
          processed,
          overallPerSecond: round(processRate, 0),
          drained: all === 0,
          elapsedSeconds: round(elapsed / 1000, 1),
          workerCpuSeconds: round(workerCpuSeconds, 1),
          perWorkerCpuSecond: round(processed / workerCpuSeconds, 0),
          cpuMsPerActivity: processCpu,
          delayedAfter: delayed,
          counts: processCounts,
          acceptedTotal,
          nothingLost: kept,
        },
      },
    ];
  } finally {
    await kith?.close().catch(() => undefined);
    await watch.close();
    redis.disconnect();
    await loadgen.close();
    await box.drop();
  }
}

/**
 * Activities stored against activities accepted: every Create answered 202
 * is a stored status, and every activity answered 202 has an outcome, none
 * of them a failure. Throws (the run fails) when they differ.
 */
async function accountedFor(createsAccepted: number, notesStored: number, accepted: number, before: Record<string, number>, after: Record<string, number>) {
  const delta = Object.fromEntries(Object.entries(after).map(([k, n]) => [k, n - (before[k] ?? 0)]).filter(([, n]) => n !== 0)) as Record<string, number>;
  const { handled = 0, retried = 0, failed = 0, ...ignored } = delta;
  const withOutcome = handled + failed + Object.values(ignored).reduce((a, b) => a + b, 0);
  const report = { createsAccepted, notesStored, accepted, withOutcome, handled, ignored, retried, failed };
  if (notesStored !== createsAccepted || withOutcome !== accepted || failed > 0) {
    throw new Error(`inbox lost activities: ${JSON.stringify(report)}`);
  }
  return report;
}
