import { rm } from "node:fs/promises";
import { Queue, type Job } from "bullmq";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, mediaEnv } from "./helpers/client.ts";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";
import { REDIS } from "./helpers/instance.ts";
import { waitFor } from "./helpers/wait.ts";

// Scheduled statuses: stored now, published by a delayed BullMQ job at
// their time. The test finds the real delayed job and promotes it, so the
// worker publishes at once instead of in five minutes.

let kith: InProcess;
let api: ReturnType<typeof client>;
let token: string;
let readOnly: string;
let otherToken: string;
let meId: string;
let redis: Redis;
let queue: Queue;
let db: pg.Client;
const env = mediaEnv();

const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();
const statuses = async () => (await api.call(token, "GET", `/api/v1/accounts/${meId}/statuses`)).body as any[];
const delayedJob = async (scheduledId: string): Promise<Job | undefined> =>
  (await queue.getDelayed()).find((j) => j.name === "status.publishScheduled" && j.data.scheduledStatusId === scheduledId);

beforeAll(async () => {
  kith = await startInProcess("scheduled", env);
  api = client(kith);
  const me = await kith.core.accounts.createLocal("olga");
  meId = String(me.id);
  token = await kith.core.tokens.issue(me.id);
  readOnly = await kith.core.tokens.issue(me.id, ["read"]);
  otherToken = await kith.core.tokens.issue((await kith.core.accounts.createLocal("pete")).id);
  redis = new Redis(REDIS, { maxRetriesPerRequest: null });
  queue = new Queue("kith-jobs", { connection: redis, prefix: kith.core.config.redisPrefix });
  db = new pg.Client({ connectionString: kith.core.config.databaseUrl });
  await db.connect();
}, 60_000);

afterAll(async () => {
  await db?.end();
  await queue?.close();
  await redis?.quit();
  await kith?.destroy();
  await rm(env.KITH_MEDIA_DIR, { recursive: true, force: true });
});

describe("scheduling", () => {
  it("returns a ScheduledStatus, posts nothing yet, and publishes when its job runs", async () => {
    const m = await api.upload(token, "later picture");
    const at = inMinutes(10);
    const res = await api.call(token, "POST", "/api/v1/statuses", { status: "from the past", scheduled_at: at, media_ids: [m.id], visibility: "unlisted", spoiler_text: "cw", language: "en" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^\d+$/),
      scheduled_at: new Date(at).toISOString(),
      params: { text: "from the past", media_ids: [m.id], visibility: "unlisted", spoiler_text: "cw", language: "en", poll: null, in_reply_to_id: null },
      media_attachments: [{ id: m.id, description: "later picture" }],
    });
    expect(await statuses()).toEqual([]);
    // Media held by a scheduled post cannot go on another.
    expect((await api.call(token, "POST", "/api/v1/statuses", { status: "steal", media_ids: [m.id] })).status).toBe(422);

    const job = await waitFor(() => delayedJob(res.body.id), "the delayed publish job");
    expect(job.opts.delay).toBeGreaterThan(9 * 60_000);
    expect(job.opts.delay).toBeLessThanOrEqual(10 * 60_000);
    // Time passes (the row is the truth a job checks), then the job runs now instead of in ten minutes.
    await db.query(`UPDATE "ScheduledStatus" SET "scheduledAt" = now() WHERE id = $1`, [res.body.id]);
    await job.promote();
    const published = await waitFor(async () => (await statuses()).find((s) => s.content.includes("from the past")), "the scheduled status to be published");
    expect(published).toMatchObject({ visibility: "unlisted", spoiler_text: "cw", language: "en", media_attachments: [{ id: m.id }] });
    expect((await api.call(token, "GET", `/api/v1/scheduled_statuses/${res.body.id}`)).status).toBe(404);
  });

  it("a poll can be scheduled too; a job that runs early publishes nothing", async () => {
    const res = await api.call(token, "POST", "/api/v1/statuses", { status: "later poll", scheduled_at: inMinutes(30), poll: { options: ["a", "b"], expires_in: 600, multiple: true } });
    expect(res.body.params.poll).toEqual({ options: ["a", "b"], expires_in: "600", multiple: true, hide_totals: false });
    await kith.core.scheduledStatuses.publish(BigInt(res.body.id));
    expect((await statuses()).some((s) => s.content.includes("later poll"))).toBe(false);
    await db.query(`UPDATE "ScheduledStatus" SET "scheduledAt" = now() WHERE id = $1`, [res.body.id]);
    await kith.core.scheduledStatuses.publish(BigInt(res.body.id));
    const published = (await statuses()).find((s) => s.content.includes("later poll"));
    expect(published.poll).toMatchObject({ multiple: true, options: [{ title: "a" }, { title: "b" }] });
  });

  it("422 for a time less than five minutes ahead or not a date, and for invalid content; nothing scheduled", async () => {
    const list = async () => (await api.call(token, "GET", "/api/v1/scheduled_statuses")).body.length;
    const before = await list();
    for (const body of [
      { status: "too soon", scheduled_at: inMinutes(4) },
      { status: "past", scheduled_at: inMinutes(-60) },
      { status: "nonsense", scheduled_at: "next tuesday" },
      { status: "", scheduled_at: inMinutes(60) },
      { status: "bad poll", scheduled_at: inMinutes(60), poll: { options: ["a"], expires_in: 600 } },
    ]) {
      const res = await api.call(token, "POST", "/api/v1/statuses", body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error).toBeTruthy();
    }
    expect(await list()).toBe(before);
  });

  it("the Idempotency-Key works for scheduled posts", async () => {
    const headers = { "idempotency-key": "sched-1" };
    const body = { status: "once, later", scheduled_at: inMinutes(60) };
    const first = await api.call(token, "POST", "/api/v1/statuses", body, headers);
    const second = await api.call(token, "POST", "/api/v1/statuses", body, headers);
    expect(second.body.id).toBe(first.body.id);
  });
});

describe("/api/v1/scheduled_statuses", () => {
  it("lists, shows, reschedules and cancels", async () => {
    const a = (await api.call(token, "POST", "/api/v1/statuses", { status: "list a", scheduled_at: inMinutes(100) })).body;
    const b = (await api.call(token, "POST", "/api/v1/statuses", { status: "list b", scheduled_at: inMinutes(200) })).body;
    const list = await api.call(token, "GET", "/api/v1/scheduled_statuses?limit=2");
    expect(list.body.map((s: any) => s.id)).toEqual([b.id, a.id]);
    expect(String(list.headers.link)).toContain('rel="next"');
    expect((await api.call(token, "GET", `/api/v1/scheduled_statuses/${a.id}`)).body.params.text).toBe("list a");

    const later = inMinutes(300);
    const moved = await api.call(token, "PUT", `/api/v1/scheduled_statuses/${a.id}`, { scheduled_at: later });
    expect(moved.status).toBe(200);
    expect(moved.body.scheduled_at).toBe(new Date(later).toISOString());
    // The job for the old time finds the post moved and leaves it alone.
    await kith.core.scheduledStatuses.publish(BigInt(a.id));
    expect((await api.call(token, "GET", `/api/v1/scheduled_statuses/${a.id}`)).status).toBe(200);
    const jobs = (await queue.getDelayed()).filter((j) => j.data.scheduledStatusId === a.id);
    expect(jobs.length).toBe(2);

    expect((await api.call(token, "DELETE", `/api/v1/scheduled_statuses/${b.id}`)).body).toEqual({});
    expect((await api.call(token, "GET", `/api/v1/scheduled_statuses/${b.id}`)).status).toBe(404);
  });

  it("refuses others, bad ids, bad times and missing scopes with nothing changed", async () => {
    const s = (await api.call(token, "POST", "/api/v1/statuses", { status: "mine, later", scheduled_at: inMinutes(120) })).body;
    expect((await api.call(otherToken, "GET", `/api/v1/scheduled_statuses/${s.id}`)).status).toBe(404);
    expect((await api.call(otherToken, "PUT", `/api/v1/scheduled_statuses/${s.id}`, { scheduled_at: inMinutes(500) })).status).toBe(404);
    expect((await api.call(otherToken, "DELETE", `/api/v1/scheduled_statuses/${s.id}`)).status).toBe(404);
    expect((await api.call(token, "GET", "/api/v1/scheduled_statuses/xyz")).status).toBe(404);
    expect((await api.call(token, "PUT", `/api/v1/scheduled_statuses/${s.id}`, { scheduled_at: inMinutes(1) })).status).toBe(422);
    expect((await api.call(token, "PUT", `/api/v1/scheduled_statuses/${s.id}`, {})).status).toBe(422);
    expect((await api.call(readOnly, "DELETE", `/api/v1/scheduled_statuses/${s.id}`)).status).toBe(403);
    expect((await api.call(null, "GET", "/api/v1/scheduled_statuses")).status).toBe(401);
    expect((await api.call(token, "GET", `/api/v1/scheduled_statuses/${s.id}`)).body.scheduled_at).toBe(s.scheduled_at);
  });
});
