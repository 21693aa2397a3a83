import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { REDIS, type KithInstance } from "./instance.ts";

// A look at an instance's job queues in Redis: a test that must show that
// something did NOT happen waits until every queue is idle, then looks.

const QUEUES = ["kith-jobs", "fedify-outbox", "fedify-fanout", "fedify-inbox"] as const;
const SCHEDULED = new Set(["account.purge", "poll.expire", "media.cleanup"]);

export class QueueWatch {
  private readonly redis = new Redis(REDIS, { maxRetriesPerRequest: null });
  private readonly queues = new Map<string, Queue>();

  private queue(instance: Pick<KithInstance, "env">, name: string): Queue {
    const key = `${instance.env.REDIS_PREFIX}:${name}`;
    let queue = this.queues.get(key);
    if (!queue) {
      queue = new Queue(name, { connection: this.redis, prefix: instance.env.REDIS_PREFIX });
      this.queues.set(key, queue);
    }
    return queue;
  }

  /**
   * True when no job of the instance is waiting, running, delayed (a retry)
   * or prioritised. Jobs scheduled far ahead on purpose (the purge at the end
   * of a suspension's grace period, a poll's end, the hourly media sweep)
   * do not count.
   */
  async idle(instance: Pick<KithInstance, "env">): Promise<boolean> {
    for (const name of QUEUES) {
      const queue = this.queue(instance, name);
      const c = await queue.getJobCounts("active", "waiting", "delayed", "prioritized");
      if ((c.active ?? 0) + (c.waiting ?? 0) + (c.prioritized ?? 0) > 0) return false;
      if ((c.delayed ?? 0) > 0 && (await queue.getJobs(["delayed"])).some((job) => !SCHEDULED.has(job.name))) return false;
    }
    return true;
  }

  async close() {
    for (const q of this.queues.values()) await q.close();
    await this.redis.quit();
  }
}
