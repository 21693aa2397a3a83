import type { MessageQueue, MessageQueueEnqueueOptions, MessageQueueListenOptions } from "@fedify/fedify";
import { Queue, Worker, type ConnectionOptions } from "bullmq";

// Fedify's MessageQueue on BullMQ. Jobs survive restarts in Redis, run at
// least once (a killed worker's job stalls and is picked up again), and are
// spread over every worker process sharing the Redis.
//
// Fedify puts the sender's private keys into outbox and fan-out messages.
// Those never reach Redis: `seal` drops them at enqueue time and `unseal`
// puts them back from the worker's in-memory key cache just before Fedify
// signs, so signing happens at send time with a cached key.

export type MessageHooks = {
  seal(message: any): any;
  unseal(message: any): Promise<any | null>;
};

export const plainMessages: MessageHooks = { seal: (m) => m, unseal: async (m) => m };

export class BullMqMessageQueue implements MessageQueue {
  readonly nativeRetrial = false;
  private readonly queue: Queue;
  private readonly name: string;
  private readonly connection: ConnectionOptions;
  private readonly prefix: string;
  private readonly concurrency: number;
  private readonly hooks: MessageHooks;

  constructor(name: string, connection: ConnectionOptions, prefix: string, concurrency: number, hooks: MessageHooks = plainMessages) {
    this.name = name;
    this.connection = connection;
    this.prefix = prefix;
    this.concurrency = concurrency;
    this.hooks = hooks;
    this.queue = new Queue(name, { connection, prefix });
  }

  private jobOptions(options?: MessageQueueEnqueueOptions) {
    const delay = options?.delay ? Math.max(0, Math.round(options.delay.total("millisecond"))) : 0;
    // Fedify retries deliveries itself; BullMQ's attempts only cover a worker
    // that crashed or a handler that threw before Fedify could reschedule.
    return { delay, attempts: 5, backoff: { type: "exponential", delay: 5_000 }, removeOnComplete: true, removeOnFail: 10_000 };
  }

  async enqueue(message: any, options?: MessageQueueEnqueueOptions): Promise<void> {
    await this.queue.add(message?.type ?? "message", this.hooks.seal(message), this.jobOptions(options));
  }

  async enqueueMany(messages: readonly any[], options?: MessageQueueEnqueueOptions): Promise<void> {
    const opts = this.jobOptions(options);
    await this.queue.addBulk(messages.map((m) => ({ name: m?.type ?? "message", data: this.hooks.seal(m), opts })));
  }

  async getDepth() {
    const counts = await this.queue.getJobCounts("waiting", "delayed", "prioritized");
    return { queued: (counts.waiting ?? 0) + (counts.prioritized ?? 0), ready: counts.waiting ?? 0, delayed: counts.delayed ?? 0 };
  }

  listen(handler: (message: any) => Promise<void> | void, options?: MessageQueueListenOptions): Promise<void> {
    const worker = new Worker(
      this.name,
      async (job) => {
        const message = await this.hooks.unseal(job.data);
        if (message !== null) await handler(message);
      },
      { connection: this.connection, prefix: this.prefix, concurrency: this.concurrency, lockDuration: 15_000, stalledInterval: 5_000, maxStalledCount: 10 },
    );
    return new Promise((resolve) => {
      const stop = () => void worker.close().finally(() => resolve());
      if (options?.signal?.aborted) stop();
      options?.signal?.addEventListener("abort", stop, { once: true });
    });
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
