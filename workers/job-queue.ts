import { createHash } from "node:crypto";
import { Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job } from "bullmq";
import type { Logger } from "pino";
import { PermanentJobError, type EnqueueOptions, type JobHandlers, type JobName, type JobPayloads, type JobQueue } from "../src/jobs/jobs.ts";
import { LOCK_DURATION_MS, STALLED_INTERVAL_MS } from "./fedify-queue.ts";
import { JOBS_QUEUE } from "../src/jobs/queue-names.ts";

// Kith's own side-effect jobs (timeline fan-out, building activities to
// federate) on one BullMQ queue. Retried with backoff; a job that throws
// after its last attempt stays in the failed set for the operator to see.

const QUEUE = JOBS_QUEUE;
const BACKGROUND_PRIORITY = 100;

export class BullMqJobQueue implements JobQueue {
  private readonly queue: Queue;
  /** Set in a process that runs jobs: what `now` jobs run with. */
  private handlers: JobHandlers | null = null;

  constructor(connection: ConnectionOptions, prefix: string, onError: (error: Error) => void = (error) => console.error(`kith: queue ${QUEUE}:`, error)) {
    this.queue = new Queue(QUEUE, { connection, prefix });
    this.queue.on("error", onError);
  }

  /** This process runs jobs: from now on, jobs asked for `now` run here at once. */
  runNowWith(handlers: JobHandlers) {
    this.handlers = handlers;
  }

  async enqueue<N extends JobName>(name: N, data: JobPayloads[N], options?: EnqueueOptions): Promise<void> {
    if (options?.now && !options.delayMs && this.handlers) {
      try {
        return await (this.handlers[name] as (data: JobPayloads[N]) => Promise<void>)(data);
      } catch (error) {
        // One that can never succeed is not retried, as in the worker; any other is queued below, with its retries and backoff.
        if (error instanceof PermanentJobError) return;
      }
    }
    // BullMQ ids may not contain ":", so the key is hashed.
    const jobId = options?.dedupeKey ? `${name}-${createHash("sha256").update(options.dedupeKey).digest("hex")}` : undefined;
    await this.queue.add(name, data, {
      jobId,
      ...(options?.delayMs ? { delay: options.delayMs } : {}),
      // BullMQ hands out every job without a priority before any job with one.
      ...(options?.background ? { priority: BACKGROUND_PRIORITY } : {}),
      attempts: 8,
      backoff: { type: "exponential", delay: 2_000 },
      removeOnComplete: true,
      removeOnFail: 10_000,
    });
  }

  /** A job that runs every `everyMs`; set by every worker process, kept once in Redis. */
  async repeat<N extends JobName>(name: N, data: JobPayloads[N], everyMs: number): Promise<void> {
    await this.queue.upsertJobScheduler(name, { every: everyMs }, { name, data, opts: { removeOnComplete: true, removeOnFail: 100 } });
  }

  close() {
    return this.queue.close();
  }
}

export function startJobWorker(
  connection: ConnectionOptions,
  prefix: string,
  handlers: JobHandlers,
  concurrency: number,
  logger: Logger,
  onError: (error: Error) => void = (err) => logger.error({ err }, "job worker error"),
): Worker {
  const worker = new Worker(
    QUEUE,
    async (job: Job) => {
      const handler = handlers[job.name as JobName] as ((data: unknown) => Promise<void>) | undefined;
      if (!handler) throw new Error(`No handler for job ${job.name}`);
      try {
        await handler(job.data);
      } catch (error) {
        throw error instanceof PermanentJobError ? new UnrecoverableError(error.message) : error;
      }
    },
    { connection, prefix, concurrency, lockDuration: LOCK_DURATION_MS, stalledInterval: STALLED_INTERVAL_MS, maxStalledCount: 10 },
  );
  worker.on("failed", (job, err) => logger.warn({ job: job?.name, id: job?.id, attempts: job?.attemptsMade, err }, "job failed"));
  worker.on("error", onError);
  return worker;
}
