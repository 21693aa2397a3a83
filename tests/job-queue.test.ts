import { randomBytes } from "node:crypto";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import { PermanentJobError, type JobHandlers, type Outbound } from "../src/jobs/jobs.ts";
import { createRedis } from "../src/redis.ts";
import { BullMqJobQueue } from "../workers/job-queue.ts";
import { REDIS, clearRedisPrefix } from "./helpers/instance.ts";

// Jobs asked for `now` (by an inbox activity being processed) run in the
// worker at once, and fall back to the queue, with its retries, if they fail.

const prefix = `kith_test_jobs_${randomBytes(4).toString("hex")}`;
let redis: Redis;
let jobs: BullMqJobQueue;
let peek: Queue;

beforeAll(() => {
  redis = createRedis(REDIS);
  jobs = new BullMqJobQueue(redis, prefix);
  peek = new Queue("kith-jobs", { connection: redis, prefix });
});

afterAll(async () => {
  await jobs?.close();
  await peek?.close();
  await clearRedisPrefix(prefix);
  await redis?.quit();
});

const accept: Outbound = { kind: "acceptFollow", followUri: "https://remote.example/follows/1", followerId: "1", targetId: "2" };
const waiting = async () => (await peek.getJobs(["waiting", "delayed", "prioritized"])).map((j) => ({ name: j.name, data: j.data }));

it("queues everything while the process runs no jobs, `now` or not", async () => {
  await jobs.enqueue("federate", accept, { now: true });
  expect(await waiting()).toEqual([{ name: "federate", data: accept }]);
  await peek.drain();
});

it("runs a `now` job at once in a process that runs jobs, and queues it after all when it fails", async () => {
  const ran: Outbound[] = [];
  let fail = false;
  jobs.runNowWith({
    federate: async (event: Outbound) => {
      if (fail) throw new Error("the outbox queue is unreachable");
      ran.push(event);
    },
  } as unknown as JobHandlers);

  await jobs.enqueue("federate", accept, { now: true });
  expect(ran).toEqual([accept]);
  expect(await waiting()).toEqual([]);

  // Without `now`, it waits its turn in the queue as before.
  await jobs.enqueue("federate", { ...accept, followUri: "https://remote.example/follows/2" });
  expect(ran).toHaveLength(1);
  expect(await waiting()).toHaveLength(1);
  await peek.drain();

  fail = true;
  await jobs.enqueue("federate", accept, { now: true });
  expect(await waiting()).toEqual([{ name: "federate", data: accept }]);
  await peek.drain();
});

it("drops a `now` job that fails for good, as the worker does, instead of queueing it", async () => {
  jobs.runNowWith({
    federate: async () => {
      throw new PermanentJobError("the remote server refused it for good");
    },
  } as unknown as JobHandlers);
  await jobs.enqueue("federate", accept, { now: true });
  expect(await waiting()).toEqual([]);
});
