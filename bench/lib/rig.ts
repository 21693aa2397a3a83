import { Redis } from "ioredis";
import type { Account } from "../../src/accounts/account.repository.ts";
import type { Kith } from "../../src/main.ts";
import { CpuMeter } from "./cpu.ts";
import { freePort, now, REDIS, sandbox, startBenchKith, withPg, type Sandbox } from "./env.ts";
import { QueueWatch } from "./queues.ts";
import { seedRemoteFollowers } from "./seed.ts";
import { Sink, type Receipts } from "./sink.ts";
import { median, round } from "./stats.ts";

// Kith in this process (ROLE=all, as `kith serve` runs it), a sink in a child
// process, and the steps every delivery measurement takes: local accounts,
// remote followers seeded on sink hosts, a post through core.statuses.create,
// and the wait for the sink to count the deliveries.

export type PostResult = Receipts & {
  t0: number;
  /** core.statuses.create returned (ms after t0). */
  createMs: number;
  /** Last expected receipt (ms after t0). */
  totalMs: number;
  /** CPU of this process (Kith) during the post, ms. */
  cpuMs: number;
  /** Largest RSS seen while waiting, minus RSS at t0 (bytes); only if sampled. */
  rssGrowth: number;
  rssAtStart: number;
  /** Largest V8 heapUsed / external+arrayBuffers seen minus at t0 (bytes); only if sampled. */
  heapGrowth: number;
  externalGrowth: number;
  /** CPU ms per expected delivery: Kith (this process), Redis, Postgres, the sink, the whole machine. */
  cpu: ReturnType<typeof CpuMeter.per>;
};

export class DeliveryRig {
  readonly box: Sandbox;
  readonly sink: Sink;
  readonly sinkPort: number;
  readonly kith: Kith;
  readonly queues: QueueWatch;
  private readonly redis: Redis;
  private readonly meter: CpuMeter;

  private constructor(box: Sandbox, sink: Sink, sinkPort: number, kith: Kith) {
    this.box = box;
    this.sink = sink;
    this.sinkPort = sinkPort;
    this.kith = kith;
    this.queues = new QueueWatch(box.prefix);
    this.redis = new Redis(REDIS);
    this.meter = new CpuMeter(this.redis, [sink.pid]);
  }

  /** `sinkHosts`: loopback addresses the sink listens on (all on one port). `beforeKith` runs first, with nothing else busy. */
  static async start(label: string, sinkHosts: string[], beforeKith?: () => Promise<void>, extraEnv: Record<string, string> = {}): Promise<DeliveryRig> {
    const box = await sandbox(label);
    const sinkPort = await freePort();
    let sink: Sink | null = null;
    try {
      sink = await Sink.start(sinkHosts.map((h) => [h, sinkPort]));
      await beforeKith?.();
      const kith = await startBenchKith({ sandbox: box, port: await freePort(), extra: extraEnv });
      return new DeliveryRig(box, sink, sinkPort, kith);
    } catch (error) {
      await sink?.close();
      await box.drop();
      throw error;
    }
  }

  get core() {
    return this.kith.core;
  }

  account(username: string): Promise<Account> {
    return this.core.accounts.createLocal(username);
  }

  /** Seeds `perHost` remote followers of `account` on each host ("127.1.1.1" or "127.1.1.1:port"). */
  followers(account: Account, hosts: string[], perHost = 1, label = "u"): Promise<number> {
    const withPort = hosts.map((h) => (h.includes(":") ? h : `${h}:${this.sinkPort}`));
    return withPg(this.box.name, (c) => seedRemoteFollowers(c, account.id, withPort, perHost, label));
  }

  /** Posts publicly and waits until `expect` deliveries have reached the sink. */
  async post(author: Account, text: string, expect: number, options: { timeoutMs?: number; sampleRss?: boolean } = {}): Promise<PostResult> {
    await this.sink.reset();
    const start = process.memoryUsage();
    const rssAtStart = start.rss;
    let rssPeak = rssAtStart;
    let heapPeak = start.heapUsed;
    let externalPeak = start.external;
    const sampler = options.sampleRss
      ? setInterval(() => {
          const m = process.memoryUsage();
          if (m.rss > rssPeak) rssPeak = m.rss;
          if (m.heapUsed > heapPeak) heapPeak = m.heapUsed;
          if (m.external > externalPeak) externalPeak = m.external;
        }, 10)
      : null;
    const cpu = process.cpuUsage();
    const before = await this.meter.mark();
    const t0 = now();
    try {
      await this.core.statuses.create(author, { text, visibility: "public" });
      const created = now();
      const got = await this.sink.expect(expect, options.timeoutMs ?? 120_000);
      const used = process.cpuUsage(cpu);
      const after = await this.meter.mark();
      return { ...got, cpu: CpuMeter.per(before, after, expect), t0, createMs: created - t0, totalMs: got.last - t0, cpuMs: (used.user + used.system) / 1000, rssGrowth: rssPeak - rssAtStart, rssAtStart, heapGrowth: heapPeak - start.heapUsed, externalGrowth: externalPeak - start.external };
    } finally {
      if (sampler) clearInterval(sampler);
    }
  }

  /** Waits (bounded) until no job is waiting or running (delayed retries aside). */
  settle(timeoutMs = 60_000): Promise<void> {
    return this.queues.settle(timeoutMs);
  }

  async close(): Promise<void> {
    await this.kith.close().catch(() => undefined);
    await this.queues.close();
    this.redis.disconnect();
    await this.sink.close();
    await this.box.drop();
  }
}

/** Per-delivery CPU (ms) by process, median over runs. */
export function medianCpu(results: PostResult[]) {
  const keys = Object.keys(results[0]!.cpu) as (keyof PostResult["cpu"])[];
  return Object.fromEntries(keys.map((k) => [k, round(median(results.map((r) => r.cpu[k])), 3)]));
}
