import type { MessageQueue, MessageQueueDepth, MessageQueueEnqueueOptions, MessageQueueListenOptions } from "@fedify/fedify";
import { Queue, Worker, type ConnectionOptions } from "bullmq";
import type { Redis } from "ioredis";
import { RedisCounters, statsKey } from "../src/stats/redis-counters.ts";

// Fedify's MessageQueue on BullMQ. Jobs survive restarts in Redis, run at
// least once (a killed worker's job stalls and is picked up again), and are
// spread over every worker process sharing the Redis.
//
// Fedify puts the sender's private keys into outbox and fan-out messages.
// Those never reach Redis: `seal` drops them at enqueue time and `unseal`
// puts them back from the worker's in-memory key cache just before Fedify
// signs, so signing happens at send time with a cached key.
//
// Limitation: BullMQ (open source) has no per-key ordering, so Fedify's
// `orderingKey` is not honoured: messages with the same key may run in
// parallel or out of order. Kith does not pass ordering keys today.
//
// A fan-out hands Fedify's outbox queue one message per inbox, all carrying
// the same activity. Those are queued as batches: one BullMQ job holds up to
// BATCH_SIZE deliveries and the activity once. A job's own cost (two Redis
// scripts, the job hash, its JSON) was a third of a delivery's CPU, and a
// post to 1,000 servers kept 1,000 copies of the activity in Redis. Each
// message of a batch still goes through Fedify's handler on its own, so
// retries (queued by Fedify as single messages), the circuit breaker and
// permanent failures work as before. A batch is at least once as a whole: a
// worker dying in the middle sends the whole batch again when it is picked
// up (receivers drop a repeated activity id). Deliveries with a priority
// (failing hosts) are batched apart, with it; delayed ones (retries) stay
// single jobs.
//
// Inbox activities arrive one POST at a time, so the ones queued within
// COALESCE_MS of each other (up to BATCH_SIZE) share a job too: the POST's
// 202 waits those milliseconds for the job to be stored, and the accepting
// process and the worker each make one job's round trips for the lot instead
// of one per activity. Each activity still goes through Fedify's handler on
// its own, and a batch run twice is dropped by Fedify's activity-id check.
// Every worker counts the messages it handled (not jobs) in Redis, as
// Sidekiq's processed count does: `processedCount`. A job that BullMQ gives
// up on (its handler threw on every attempt) is logged through `onError`
// with what it carried and counted as `failed`; it stays in BullMQ's failed
// set for an operator to look at.

export type MessageHooks = {
  seal(message: any): any;
  /** Returns the message to handle, or null to drop it (the job completes). */
  unseal(message: any): Promise<any | null>;
};

export const plainMessages: MessageHooks = { seal: (m) => m, unseal: async (m) => m };

/**
 * BullMQ priorities for messages about to be queued (undefined: none). BullMQ
 * hands out every job without a priority before any job with one.
 */
export type Prioritizer = (messages: readonly any[]) => Promise<(number | undefined)[]>;

const noPriorities: Prioritizer = async (messages) => messages.map(() => undefined);

/**
 * How long a worker holds a job before it counts as stalled. A worker that
 * dies (SIGKILL, OOM, lost machine) stops renewing its locks; another worker
 * finds the job within lockDuration + stalledInterval and runs it again.
 */
export const LOCK_DURATION_MS = 15_000;
export const STALLED_INTERVAL_MS = 5_000;

/**
 * Messages per batch job, and how many of a batch run at once: deliveries
 * mostly wait on the network; inbox activities keep the CPU and the database
 * busy, and the worker already runs `concurrency` jobs side by side.
 */
export const BATCH_SIZE = 32;
const BATCH_PARALLEL = { outbox: 8, inbox: 1 };
const BATCH_JOB = "outbox-batch";
const INBOX_BATCH_JOB = "inbox-batch";
const COALESCE_MS = 2;
/**
 * A message with a priority (a delivery to a failing host) is not handed out
 * before this either. A priority orders only the jobs still waiting: without
 * the wait, a failing host's deliveries would start as soon as the last
 * healthy ones of the same fan-out had started, and slow them down.
 */
export const PRIORITIZED_WAIT_MS = 2_000;
/** Jobs of a fan-out stored ahead of the rest: enough to keep a worker's `concurrency` busy. */
const FIRST_JOBS = 4;

/** An outbox batch carries its activity once; an inbox batch's messages carry their own. */
type Batch = { batch: { activity?: unknown; messages: any[] } };

const isBatch = (data: unknown): data is Batch => typeof data === "object" && data !== null && "batch" in data;

/** Outbox messages of a fan-out: one activity, no delay, no ordering (batched apart by priority). */
const batchable = (message: any) => message?.type === "outbox" && message.orderingKey == null;

const isDelayed = (options: MessageQueueEnqueueOptions | undefined) => Boolean(options?.delay && options.delay.total("millisecond") > 0);

/** Inbox activities as received (Fedify's retries come delayed and stay single). */
const coalescable = (message: any, options: MessageQueueEnqueueOptions | undefined) => message?.type === "inbox" && !isDelayed(options) && message.orderingKey == null;

type Waiting = { message: any; settle: (error?: unknown) => void };

export class BullMqMessageQueue implements MessageQueue {
  readonly nativeRetrial = false;
  private readonly queue: Queue;
  private readonly name: string;
  private readonly connection: ConnectionOptions;
  private readonly prefix: string;
  private readonly concurrency: number;
  private readonly hooks: MessageHooks;
  private readonly onError: (error: Error) => void;
  private readonly prioritize: Prioritizer;
  private waiting: Waiting[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly storing = new Set<Promise<unknown>>();
  private readonly counters: RedisCounters;

  constructor(
    name: string,
    connection: ConnectionOptions,
    prefix: string,
    concurrency: number,
    hooks: MessageHooks = plainMessages,
    onError: (error: Error) => void = (error) => console.error(`kith: queue ${name}:`, error),
    prioritize: Prioritizer = noPriorities,
  ) {
    this.prioritize = prioritize;
    this.name = name;
    this.connection = connection;
    this.prefix = prefix;
    this.concurrency = concurrency;
    this.hooks = hooks;
    this.onError = onError;
    this.queue = new Queue(name, { connection, prefix });
    this.queue.on("error", onError);
    this.counters = new RedisCounters(() => this.redis(), statsKey(prefix, name));
  }

  private jobOptions(options: MessageQueueEnqueueOptions | undefined, priority: number | undefined) {
    const ms = options?.delay ? options.delay.total("millisecond") : 0;
    const delay = Number.isFinite(ms) ? Math.max(0, Math.round(ms)) : 0;
    // Fedify retries deliveries itself; BullMQ's attempts only cover a worker
    // that crashed or a handler that threw before Fedify could reschedule.
    const opts = { delay, attempts: 5, backoff: { type: "exponential", delay: 5_000 }, removeOnComplete: true, removeOnFail: 10_000 };
    return priority === undefined ? opts : { ...opts, priority, delay: Math.max(delay, PRIORITIZED_WAIT_MS) };
  }

  async enqueue(message: any, options?: MessageQueueEnqueueOptions): Promise<void> {
    if (coalescable(message, options)) return this.coalesce(message);
    const [priority] = await this.prioritize([message]);
    await this.queue.add(message?.type ?? "message", this.hooks.seal(message), this.jobOptions(options, priority));
  }

  async enqueueMany(messages: readonly any[], options?: MessageQueueEnqueueOptions): Promise<void> {
    const priorities = await this.prioritize(messages);
    const delayed = isDelayed(options);
    const single: { name: string; data: any; opts: ReturnType<BullMqMessageQueue["jobOptions"]> }[] = [];
    // By activity, then by priority: a failing host's deliveries share jobs too, handed out after the rest.
    const groups = new Map<unknown, Map<number | undefined, any[]>>();
    messages.forEach((m, i) => {
      if (delayed || !batchable(m)) {
        single.push({ name: m?.type ?? "message", data: this.hooks.seal(m), opts: this.jobOptions(options, priorities[i]) });
        return;
      }
      const byPriority = groups.get(m.activity) ?? new Map<number | undefined, any[]>();
      groups.set(m.activity, byPriority);
      const group = byPriority.get(priorities[i]) ?? [];
      group.push(this.hooks.seal(m));
      byPriority.set(priorities[i], group);
    });
    const batches = [...groups].flatMap(([activity, byPriority]) =>
      [...byPriority].flatMap(([priority, group]) => {
        const jobs = [];
        for (let i = 0; i < group.length; i += BATCH_SIZE) {
          const messages = group.slice(i, i + BATCH_SIZE).map((m) => ({ ...m, activity: undefined }));
          jobs.push({ name: BATCH_JOB, data: { batch: { activity, messages } } satisfies Batch, opts: this.jobOptions(options, priority) });
        }
        return jobs;
      }),
    );
    // The first jobs are stored on their own, so workers start on them while
    // the rest of a large fan-out is still being written; those without a
    // priority come first.
    const jobs = [...batches, ...single].sort((a, b) => ("priority" in a.opts ? 1 : 0) - ("priority" in b.opts ? 1 : 0));
    await this.queue.addBulk(jobs.slice(0, FIRST_JOBS));
    if (jobs.length > FIRST_JOBS) await this.queue.addBulk(jobs.slice(FIRST_JOBS));
  }

  /** Resolves once the message is stored in Redis, in a job with those queued just before and after it. */
  private coalesce(message: any): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ message: this.hooks.seal(message), settle: (error) => (error === undefined ? resolve() : reject(error)) });
      if (this.waiting.length >= BATCH_SIZE) this.store();
      else this.timer ??= setTimeout(() => this.store(), COALESCE_MS);
    });
  }

  private store() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const group = this.waiting;
    this.waiting = [];
    if (!group.length) return;
    const job =
      group.length === 1
        ? { name: "inbox", data: group[0]!.message }
        : { name: INBOX_BATCH_JOB, data: { batch: { messages: group.map((w) => w.message) } } satisfies Batch };
    const stored = this.queue.add(job.name, job.data, this.jobOptions(undefined, undefined)).then(
      () => group.forEach((w) => w.settle()),
      (error: unknown) => group.forEach((w) => w.settle(error ?? new Error("queueing failed"))),
    );
    this.storing.add(stored);
    void stored.finally(() => this.storing.delete(stored));
  }

  /** Messages not yet handed to a worker: ready ones and delayed ones (retries, held deliveries). */
  async getDepth(): Promise<MessageQueueDepth> {
    const counts = await this.queue.getJobCounts("waiting", "prioritized", "delayed");
    const ready = (counts.waiting ?? 0) + (counts.prioritized ?? 0);
    const delayed = counts.delayed ?? 0;
    return { queued: ready + delayed, ready, delayed };
  }

  listen(handler: (message: any) => Promise<void> | void, options?: MessageQueueListenOptions): Promise<void> {
    const worker = new Worker(
      this.name,
      async (job) => {
        if (isBatch(job.data)) return this.runBatch(job.data, handler);
        const message = await this.hooks.unseal(job.data);
        if (message !== null) await handler(message);
        this.counters.add("processed");
      },
      {
        connection: this.connection,
        prefix: this.prefix,
        concurrency: this.concurrency,
        lockDuration: LOCK_DURATION_MS,
        stalledInterval: STALLED_INTERVAL_MS,
        maxStalledCount: 10,
      },
    );
    worker.on("error", this.onError);
    worker.on("failed", (job, error) => {
      if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return;
      this.counters.add("failed");
      this.onError(new Error(`job ${job.id} (${describe(job.data)}) failed for good after ${job.attemptsMade} attempts: ${error.message}`, { cause: error }));
    });
    return new Promise((resolve) => {
      // close() lets the jobs in hand finish, so a graceful stop loses none
      // and sends none twice.
      const stop = () => void worker.close().then(() => this.counters.flush()).finally(() => resolve());
      if (options?.signal?.aborted) stop();
      else options?.signal?.addEventListener("abort", stop, { once: true });
    });
  }

  /**
   * Each message of a batch through the handler, a few at a time. A message
   * whose handling throws (Fedify could not queue its retry, say) is queued
   * again on its own, so one bad message never makes the batch run twice;
   * only if that fails too does the batch fail (and run again).
   */
  private async runBatch({ batch }: Batch, handler: (message: any) => Promise<void> | void): Promise<void> {
    const pending = "activity" in batch ? batch.messages.map((m) => ({ ...m, activity: batch.activity })) : [...batch.messages];
    const failed: any[] = [];
    const next = async (): Promise<void> => {
      for (let sealed = pending.shift(); sealed !== undefined; sealed = pending.shift()) {
        try {
          const message = await this.hooks.unseal(sealed);
          if (message !== null) await handler(message);
          this.counters.add("processed");
        } catch (error) {
          this.onError(error instanceof Error ? error : new Error(String(error)));
          failed.push(sealed);
        }
      }
    };
    const parallel = "activity" in batch ? BATCH_PARALLEL.outbox : BATCH_PARALLEL.inbox;
    await Promise.all(Array.from({ length: Math.min(parallel, pending.length) }, next));
    if (failed.length) await this.queue.addBulk(failed.map((m) => ({ name: m.type, data: m, opts: this.jobOptions(undefined, undefined) })));
  }

  /** BullMQ's Redis backend hands out its ioredis client. */
  private async redis(): Promise<Redis> {
    return (await this.queue.backend.client) as unknown as Redis;
  }

  /** How many messages the workers of this queue have handled, ever (retries and repeats included). */
  async processedCount(): Promise<number> {
    return (await this.counters.read()).processed ?? 0;
  }

  /** Stores what is still waiting to share a job, then closes. */
  async close(): Promise<void> {
    this.store();
    await Promise.allSettled([...this.storing]);
    await this.queue.close();
  }
}

/** What a job carried, for the log: its activities' ids. */
function describe(data: unknown): string {
  const messages: any[] = isBatch(data) ? data.batch.messages.map((m) => ({ ...m, activity: m.activity ?? data.batch.activity })) : [data];
  const ids = messages.map((m) => `${m?.type ?? "message"} ${m?.activity?.id ?? m?.activityId ?? "?"}${m?.inbox ? ` to ${m.inbox}` : ""}`);
  return ids.length > 3 ? `${ids.slice(0, 3).join(", ")} and ${ids.length - 3} more` : ids.join(", ");
}
