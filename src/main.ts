import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { storeFetchedPost } from "../federation/inbox/fetch-post.ts";
import { FederationDirectory } from "../federation/directory.ts";
import { mountFederation } from "../federation/fastify.ts";
import { buildFederation, buildLookupFederation, type KithFederation } from "../federation/federation.ts";
import { keySealing } from "../federation/key-sealing.ts";
import { federate } from "../federation/outbound.ts";
import { RedisKvStore } from "../federation/redis-kv.ts";
import { guardedPost } from "../federation/ssrf.ts";
import { deprioritizeFailingHosts } from "../federation/circuit-breaker.ts";
import { InboxFastPath } from "../federation/inbox/fast-accept.ts";
import { LISTENED } from "../federation/inbox/listeners.ts";
import { InboxOutcomes } from "../federation/inbox/outcomes.ts";
import { buildApp, htmlPages, registerRoutes } from "../routes/index.ts";
import { RedisRateCounter } from "../routes/rate-limit.ts";
import { BullMqMessageQueue } from "../workers/fedify-queue.ts";
import { BullMqJobQueue, startJobWorker } from "../workers/job-queue.ts";
import type { Config } from "./config.ts";
import type { RemoteDirectory } from "./accounts/account.types.ts";
import { createCore, type Core } from "./core.ts";
import { createDb } from "./db/client.ts";
import type { JobHandlers, JobQueue } from "./jobs/jobs.ts";
import { FEDIFY_QUEUES, fedifyQueueName, JOBS_QUEUE } from "./jobs/queue-names.ts";
import { UNATTACHED_SWEEP_EVERY_MS } from "./media/media.service.ts";
import type { SettingsChanged } from "./instance/settings.ts";
import { RedisLink } from "./redis.ts";
import { INBOX_OUTCOMES, RedisCounters, statsKey } from "./stats/redis-counters.ts";
import type { PubSub } from "./streaming/pubsub.ts";
import { RedisPubSub } from "./streaming/redis-pubsub.ts";

// Composition root: builds the core, then opens the doors ROLE asks for.

export type Kith = {
  core: Core;
  federation: KithFederation;
  app: FastifyInstance | null;
  close(): Promise<void>;
};

/** What a one-off admin command sets in motion on the instance's Redis. */
export type AdminLink = { jobs: JobQueue; settingsChanges: PubSub<SettingsChanged>; close(): Promise<void> };

/**
 * The instance's Redis for one-off admin commands: the jobs they enqueue (a
 * Delete{Person} on suspension) run on the instance's workers, and the
 * settings changes they announce reach every process. Rejects with one line
 * (RedisUnreachable) when Redis does not answer within a few seconds.
 */
export async function openAdminLink(config: Config, logger: Logger): Promise<AdminLink> {
  const link = new RedisLink(config.redisUrl, logger);
  const redis = await link.connect();
  const jobs = new BullMqJobQueue(redis, config.redisPrefix, reportQueueError(link, logger, JOBS_QUEUE));
  const settingsChanges = new RedisPubSub<SettingsChanged>(redis, () => link.open(), config.redisPrefix, (err) => logger.warn({ err }, "settings change notice failed"));
  return {
    jobs,
    settingsChanges,
    async close() {
      await jobs.close();
      await settingsChanges.close();
      await redis.quit().catch(() => undefined);
    },
  };
}

/** How the admin CLI asks other servers about accounts (a move's target, an alias): as the server would, without its queues. */
export function lookupDirectory(config: Config, core: Core): RemoteDirectory {
  const federation = buildLookupFederation(config);
  return new FederationDirectory(() => federation.createContext(config.publicUrl, core), config.allowPrivateAddress);
}

/**
 * A queue's errors, logged, except Redis connection failures: BullMQ passes
 * on every failed attempt of its connections, and the RedisLink logs the
 * outage once.
 */
function reportQueueError(link: RedisLink, logger: Logger, queue: string) {
  return (err: Error) => {
    if (!link.reported(err)) logger.error({ err, queue }, "queue error");
  };
}

export async function startKith(config: Config, logger: Logger): Promise<Kith> {
  if (config.allowPrivateAddress) {
    logger.warn("KITH_ALLOW_PRIVATE_ADDRESS is on: this server will fetch from and deliver to private and loopback addresses. Never use this in production.");
  }
  // Nothing works without Redis: a server that cannot reach it at start says so and stops.
  const link = new RedisLink(config.redisUrl, logger);
  const redis = await link.connect();
  const db = createDb(config.databaseUrl);
  // BullMQ defines its Lua scripts on the connection it is given, and ioredis
  // copies every defined script onto each pipeline it builds; the queues keep
  // their own connection so the pipelines of live updates and the KV store stay cheap.
  const queueRedis = link.open();
  const prefix = config.redisPrefix;
  const queueError = (queue: string) => reportQueueError(link, logger, queue);
  const jobs = new BullMqJobQueue(queueRedis, prefix, queueError(JOBS_QUEUE));
  const pubsub = new RedisPubSub(redis, () => link.open(), prefix, (err) => logger.warn({ err }, "live updates (streaming) failed"));
  const settingsChanges = new RedisPubSub<SettingsChanged>(redis, () => link.open(), prefix, (err) => logger.warn({ err }, "settings change notice failed"));
  const core = createCore(config, db, jobs, { redis, pubsub, settingsChanges });
  // Before the doors open, so no change made from now on goes unheard.
  await core.settings.follow();
  await core.accounts.ensureInstanceActor();

  let federation: KithFederation;
  const hooks = keySealing(() => federation, () => core);
  const kv = new RedisKvStore(redis, prefix);
  const queue = (name: (typeof FEDIFY_QUEUES)[number]) =>
    new BullMqMessageQueue(fedifyQueueName(name), queueRedis, prefix, config.workerConcurrency, hooks, queueError(fedifyQueueName(name)), deprioritizeFailingHosts(kv));
  const queues = { inbox: queue("inbox"), outbox: queue("outbox"), fanout: queue("fanout") };
  const outcomeCounts = new RedisCounters(async () => redis, statsKey(prefix, INBOX_OUTCOMES));
  federation = buildFederation(config, kv, queues, inboxOutcomes(outcomeCounts, logger));
  const context = () => federation.createContext(config.publicUrl, core);
  core.accounts.directory = new FederationDirectory(context, config.allowPrivateAddress);
  core.resolver = { resolveStatus: (uri) => storeFetchedPost(context(), new URL(uri)).catch(() => null) };
  core.push.delivery.transport = (url, init) => guardedPost(url, init, config.allowPrivateAddress);

  const stop = new AbortController();
  const closers: (() => Promise<unknown>)[] = [];

  if (config.role === "worker" || config.role === "all") {
    const handlers: JobHandlers = {
      federate: (event) => federate(context(), event),
      "timeline.fanout": ({ statusId }) => core.timelines.fanout(BigInt(statusId)),
      "account.refresh": ({ uri }) => core.accounts.refresh(uri),
      "status.publishScheduled": ({ scheduledStatusId }) => core.scheduledStatuses.publish(BigInt(scheduledStatusId)),
      "account.move": ({ moveId }) => core.moves.run(BigInt(moveId)),
      "account.import": ({ importId }) => core.csv.runImport(BigInt(importId), core.resolver),
      "account.purge": ({ accountId, suspendedAt }) => core.moderation.accounts.purgeIfStillSuspended(BigInt(accountId), new Date(suspendedAt)),
      "push.deliver": (job) => core.push.delivery.deliver(job),
      "media.process": ({ mediaId }) => core.media.processQueued(BigInt(mediaId)),
      "media.cleanup": async () => void (await core.media.sweepUnattached()),
      "poll.expire": ({ pollId }) => core.polls.announceEnd(BigInt(pollId)),
    };
    const worker = startJobWorker(queueRedis, prefix, handlers, config.workerConcurrency, logger, queueError(JOBS_QUEUE));
    jobs.runNowWith(handlers);
    await jobs.repeat("media.cleanup", {}, UNATTACHED_SWEEP_EVERY_MS);
    // A move recorded just before a crash, whose job never reached Redis, is not lost.
    await core.moves.resumeUnfinished();
    await core.csv.resumeUnfinished();
    // Resolves once stop is aborted and the jobs in hand have finished.
    const fedifyWorkers = federation.startQueue(core, { signal: stop.signal });
    closers.push(() => worker.close(), () => fedifyWorkers);
  }

  let app: FastifyInstance | null = null;
  if (config.role === "web" || config.role === "all") {
    app = buildApp(core, logger, new RedisRateCounter(redis, prefix));
    registerRoutes(app, core);
    mountFederation(app, federation, core, htmlPages(core), new InboxFastPath(core, queues.inbox));
    await app.listen({ port: config.port, host: config.host });
    closers.unshift(() => app!.close());
  }

  return {
    core,
    federation,
    app,
    async close() {
      stop.abort();
      for (const close of closers) await close().catch(() => undefined);
      await Promise.all(Object.values(queues).map((q) => q.close()));
      await jobs.close();
      await core.media.close();
      await pubsub.close();
      await settingsChanges.close();
      await outcomeCounts.flush();
      await Promise.all([redis, queueRedis].map((r) => r.quit().catch(() => undefined)));
      await db.$disconnect();
    },
  };
}

/** What became of accepted inbox activities: counted for `kith stats`, failures for good logged as errors. */
function inboxOutcomes(counters: RedisCounters, logger: Logger): InboxOutcomes {
  return new InboxOutcomes(
    {
      count: (outcome) => counters.add(outcome),
      failed: ({ error, ...activity }) => logger.error({ ...activity, err: error }, `inbox: activity ${activity.activityId ?? "without id"} failed for good after ${activity.attempt} attempt(s) and is dropped`),
    },
    LISTENED,
  );
}
