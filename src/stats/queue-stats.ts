import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { ALL_QUEUES } from "../jobs/queue-names.ts";
import { INBOX_OUTCOMES, readCounters, statsKey } from "./redis-counters.ts";

// What `kith stats` prints: for each queue, the jobs waiting, running, held
// back and failed (BullMQ's own counts) and the messages its workers handled
// and gave up on; and what became of the activities the inbox accepted.

export type InstanceStats = {
  inbox: { handled: number; ignored: Record<string, number>; retried: number; failed: number };
  queues: Record<string, Record<string, number>>;
};

export async function readStats(redis: Redis, prefix: string): Promise<InstanceStats> {
  const queues: InstanceStats["queues"] = {};
  for (const name of ALL_QUEUES) {
    const queue = new Queue(name, { connection: redis, prefix });
    try {
      const counts = await queue.getJobCounts("waiting", "prioritized", "active", "delayed", "failed");
      const counted = await readCounters(redis, statsKey(prefix, name));
      queues[name] = { ...counts, processed: counted.processed ?? 0, failedForGood: counted.failed ?? 0 };
    } finally {
      await queue.close();
    }
  }
  const { handled = 0, retried = 0, failed = 0, ...ignored } = await readCounters(redis, statsKey(prefix, INBOX_OUTCOMES));
  return { inbox: { handled, ignored, retried, failed }, queues };
}
