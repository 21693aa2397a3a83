import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.ts";
import { client } from "./helpers/client.ts";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";
import { REDIS, testEnv } from "./helpers/instance.ts";
import { QueueWatch } from "./helpers/queues.ts";
import { MASTODON_CONTEXT, RemoteServer, type Json, type RemoteActor } from "./helpers/remote-actor.ts";
import { waitFor } from "./helpers/wait.ts";

// When a poll ends, its local voters and its local author get one Mastodon
// `poll` notification each, from a job delayed to the end time. Polls here
// last a second or two: KITH_POLL_MIN_EXPIRES_IN=1.

let kith: InProcess;
let api: ReturnType<typeof client>;
let R: RemoteServer;
let alice: RemoteActor;
let redis: Redis;
let queue: Queue;
let watch: QueueWatch;
const tokens: Record<string, string> = {};
const ids: Record<string, string> = {};

beforeAll(async () => {
  [kith, R] = await Promise.all([startInProcess("polls_expiry", { KITH_POLL_MIN_EXPIRES_IN: "1" }), RemoteServer.start()]);
  api = client(kith);
  for (const name of ["lena", "milo", "nina", "omar"]) {
    const account = await kith.core.accounts.createLocal(name);
    ids[name] = String(account.id);
    tokens[name] = await kith.core.tokens.issue(account.id);
  }
  alice = R.addActor("alice");
  redis = new Redis(REDIS, { maxRetriesPerRequest: null });
  queue = new Queue("kith-jobs", { connection: redis, prefix: kith.core.config.redisPrefix });
  watch = new QueueWatch();
}, 60_000);

afterAll(async () => {
  await watch?.close();
  await queue?.close();
  await redis?.quit();
  await kith?.destroy();
  await R?.close();
});

const pollNotifications = async (who: string) => {
  const res = await api.call(tokens[who]!, "GET", "/api/v1/notifications?types[]=poll");
  expect(res.status).toBe(200);
  return res.body as Json[];
};
const newPoll = async (expiresIn: number, options = ["tea", "coffee"]) => {
  const res = await api.call(tokens.lena!, "POST", "/api/v1/statuses", { status: "a quick question", poll: { options, expires_in: expiresIn } });
  expect(res.status).toBe(200);
  return res.body;
};
/** The poll.expire jobs waiting for this poll, with the time each will run. */
const endJobs = async (pollId: string) =>
  (await queue.getJobs(["delayed", "waiting", "active"])).filter((j) => j.name === "poll.expire" && j.data.pollId === pollId).map((j) => ({ runsAt: j.timestamp + (j.opts.delay ?? 0) }));
const idle = () => waitFor(() => watch.idle({ env: { REDIS_PREFIX: kith.core.config.redisPrefix } }), "the job queues to be idle");

describe("the end of a local poll", () => {
  it("the author and each local voter get one `poll` notification, from the author; those who did not vote get none", async () => {
    const status = await newPoll(2);
    expect((await api.call(tokens.milo!, "POST", `/api/v1/polls/${status.poll.id}/votes`, { choices: [1] })).status).toBe(200);
    expect((await api.call(tokens.omar!, "POST", `/api/v1/polls/${status.poll.id}/votes`, { choices: [0] })).status).toBe(200);
    expect(await endJobs(status.poll.id)).toEqual([{ runsAt: expect.closeTo(Date.parse(status.poll.expires_at), -3) }]);
    expect(await pollNotifications("lena")).toEqual([]);

    const [own] = await waitFor(async () => {
      const list = await pollNotifications("lena");
      return list.length ? list : null;
    }, "the author's poll notification", 20_000);
    expect(own).toMatchObject({ type: "poll", account: { id: ids.lena }, status: { id: status.id, poll: { id: status.poll.id, expired: true, votes_count: 2 } } });
    for (const voter of ["milo", "omar"]) {
      const list = await pollNotifications(voter);
      expect(list).toHaveLength(1);
      expect(list[0]).toMatchObject({ type: "poll", account: { id: ids.lena }, status: { id: status.id, poll: { voted: true } } });
    }
    expect(await pollNotifications("nina")).toEqual([]);
    expect(await endJobs(status.poll.id)).toEqual([]);

    // The job again (a retry, a second worker): nobody hears twice.
    await kith.core.jobs.enqueue("poll.expire", { pollId: status.poll.id });
    await idle();
    for (const who of ["lena", "milo", "omar"]) expect(await pollNotifications(who)).toHaveLength(1);
    expect(await pollNotifications("nina")).toEqual([]);
  });

  it("an end moved later by an edit: the job at the old time notifies nobody and waits for the new end", async () => {
    const status = await newPoll(2, ["left", "right"]);
    expect((await api.call(tokens.nina!, "POST", `/api/v1/polls/${status.poll.id}/votes`, { choices: [0] })).status).toBe(200);
    const edit = await api.call(tokens.lena!, "PUT", `/api/v1/statuses/${status.id}`, { status: "a slower question", poll: { options: ["left", "right"], expires_in: 600 } });
    expect(edit.status).toBe(200);
    const newEnd = Date.parse(edit.body.poll.expires_at);
    expect((await endJobs(status.poll.id)).map((j) => j.runsAt).sort()).toEqual([expect.closeTo(Date.parse(status.poll.expires_at), -3), expect.closeTo(newEnd, -3)]);

    // Once the old time has passed, only the job for the new end is left, and nobody was told anything.
    await waitFor(async () => (await endJobs(status.poll.id)).length === 1, "the job at the old end time to run", 20_000);
    expect((await endJobs(status.poll.id))[0]!.runsAt).toBeCloseTo(newEnd, -3);
    for (const who of ["lena", "nina"]) {
      expect((await pollNotifications(who)).filter((n) => n.status.id === status.id)).toEqual([]);
    }
  });

  it("a poll shorter than KITH_POLL_MIN_EXPIRES_IN is refused with 422, and nothing is stored or scheduled", async () => {
    const before = await queue.getJobCounts("delayed");
    const statuses = (await api.call(tokens.lena!, "GET", `/api/v1/accounts/${ids.lena}/statuses`)).body.length;
    for (const expires_in of [0, -5, 2_629_747]) {
      const res = await api.call(tokens.lena!, "POST", "/api/v1/statuses", { status: "too short", poll: { options: ["a", "b"], expires_in } });
      expect(res.status).toBe(422);
      expect(res.body.error).toBe("Validation failed: Poll expires_in must be from 1 to 2629746 seconds");
    }
    expect((await api.call(tokens.lena!, "GET", `/api/v1/accounts/${ids.lena}/statuses`)).body).toHaveLength(statuses);
    expect((await queue.getJobCounts("delayed")).delayed).toBe(before.delayed);
    const instance = await api.call(null, "GET", "/api/v2/instance");
    expect(instance.body.configuration.polls.min_expiration).toBe(1);
  });

  it("KITH_POLL_MIN_EXPIRES_IN must be a whole number of seconds from 1; Mastodon's 300 by default", () => {
    const env = testEnv("polls_config", 3999);
    expect(loadConfig(env).pollMinExpiresIn).toBe(300);
    for (const bad of ["0", "1.5", "soon"]) expect(() => loadConfig({ ...env, KITH_POLL_MIN_EXPIRES_IN: bad })).toThrow(/KITH_POLL_MIN_EXPIRES_IN/);
  });

  it("a job for a poll that is gone does nothing", async () => {
    const status = await newPoll(600, ["x", "y"]);
    expect((await api.call(tokens.lena!, "DELETE", `/api/v1/statuses/${status.id}`)).status).toBe(200);
    await expect(kith.core.polls.announceEnd(BigInt(status.poll.id), new Date(Date.now() + 3_600_000))).resolves.toBeUndefined();
    expect((await pollNotifications("lena")).filter((n) => n.status?.id === status.id)).toEqual([]);
  });
});

describe("the end of a remote poll", () => {
  const QUESTION_CONTEXT = [...MASTODON_CONTEXT, { votersCount: "http://joinmastodon.org/ns#votersCount" }];

  it("local voters get a `poll` notification from its remote author; nobody else does", async () => {
    const uri = R.uniqueId("/users/alice/statuses");
    const endTime = new Date(Date.now() + 3_000);
    const question = {
      ...R.note(alice, { id: uri, content: "<p>Which way?</p>" }),
      type: "Question",
      endTime: endTime.toISOString(),
      votersCount: 0,
      oneOf: ["north", "south"].map((name) => ({ type: "Note", name, replies: { type: "Collection", totalItems: 0 } })),
    };
    expect((await R.deliver(`${kith.core.config.publicUrl.origin}/inbox`, { ...R.create(alice, question), "@context": QUESTION_CONTEXT })).status).toBe(202);
    const status = await waitFor(async () => {
      const res = await api.call(tokens.milo!, "GET", `/api/v2/search?q=${encodeURIComponent(uri)}&type=statuses&resolve=false`);
      return res.body?.statuses?.[0] ?? null;
    }, "the remote poll to be stored");
    expect((await api.call(tokens.milo!, "POST", `/api/v1/polls/${status.poll.id}/votes`, { choices: [1] })).status).toBe(200);
    expect(await endJobs(status.poll.id)).toEqual([{ runsAt: expect.closeTo(endTime.getTime(), -3) }]);

    const [note] = await waitFor(async () => {
      const list = (await pollNotifications("milo")).filter((n) => n.status.id === status.id);
      return list.length ? list : null;
    }, "the voter's poll notification", 20_000);
    expect(note).toMatchObject({ type: "poll", account: { acct: alice.acct }, status: { id: status.id, poll: { expired: true, own_votes: [1] } } });
    for (const who of ["lena", "nina", "omar"]) {
      expect((await pollNotifications(who)).filter((n) => n.status.id === status.id)).toEqual([]);
    }
  });
});
