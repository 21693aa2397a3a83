import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { now, REDIS, sleep } from "./env.ts";

// Kith's BullMQ queues as seen from outside (counts), and the machine's
// ceiling for queue work: no-op jobs through BullMQ on this Redis.

export const KITH_QUEUES = ["kith-jobs", "fedify-fanout", "fedify-outbox", "fedify-inbox"] as const;

export class QueueWatch {
  private readonly redis = new Redis(REDIS, { maxRetriesPerRequest: null });
  private readonly queues: Map<string, Queue>;

  constructor(prefix: string, names: readonly string[] = KITH_QUEUES) {
    this.queues = new Map(names.map((n) => [n, new Queue(n, { connection: this.redis, prefix })]));
  }

  /** waiting + active + prioritized (+ delayed if asked) per queue. */
  async counts(withDelayed = false): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const [name, q] of this.queues) {
      const c = await q.getJobCounts("waiting", "active", "prioritized", "delayed");
      out[name] = (c.waiting ?? 0) + (c.active ?? 0) + (c.prioritized ?? 0) + (withDelayed ? (c.delayed ?? 0) : 0);
    }
    return out;
  }

  async busy(): Promise<number> {
    return Object.values(await this.counts()).reduce((a, b) => a + b, 0);
  }

  /** Whether a delayed job is due within `withinMs`: a delivery held back for a moment, not a retry minutes away. */
  async dueSoon(withinMs = 10_000): Promise<boolean> {
    const limit = Date.now() + withinMs;
    for (const q of this.queues.values()) {
      // The earliest due first: one job read per queue, however many retries wait.
      const [first] = await q.getDelayed(0, 0);
      if (first && first.timestamp + (first.delay ?? 0) <= limit) return true;
    }
    return false;
  }

  async delayed(): Promise<number> {
    let n = 0;
    for (const q of this.queues.values()) n += (await q.getJobCounts("delayed")).delayed ?? 0;
    return n;
  }

  /** Waits (bounded) until no job is waiting or running, or held back for a moment (so it cannot run during the next measurement). */
  async settle(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await this.busy()) > 0 || (await this.dueSoon())) {
      if (Date.now() > deadline) throw new Error(`Kith's queues did not settle within ${timeoutMs} ms: ${JSON.stringify(await this.counts())}`);
      await sleep(25);
    }
  }

  async close(): Promise<void> {
    for (const q of this.queues.values()) await q.close();
    this.redis.disconnect();
  }
}

/** Jobs/s one process gets through BullMQ with a no-op handler: the queue's own ceiling. */
export async function noopJobRate(prefix: string, count: number, concurrency: number, payload: unknown): Promise<number> {
  const connection = new Redis(REDIS, { maxRetriesPerRequest: null });
  const name = "bench-noop";
  const queue = new Queue(name, { connection, prefix });
  const opts = { removeOnComplete: true, removeOnFail: 100 };
  for (let i = 0; i < count; i += 500) {
    await queue.addBulk(Array.from({ length: Math.min(500, count - i) }, () => ({ name: "noop", data: payload, opts })));
  }
  // Timed from the first completion to the last, so connecting the worker does not count.
  let done = 0;
  let first = 0;
  let last = 0;
  let finished: () => void = () => undefined;
  const all = new Promise<void>((r) => (finished = r));
  const worker = new Worker(name, async () => undefined, { connection, prefix, concurrency });
  worker.on("completed", () => {
    last = now();
    if (done++ === 0) first = last;
    if (done === count) finished();
  });
  await Promise.race([all, sleep(60_000)]);
  const elapsed = last - first;
  await worker.close();
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  connection.disconnect();
  return ((done - 1) * 1000) / elapsed;
}
