import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, mediaEnv } from "./helpers/client.ts";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";

// Posting with everything a Mastodon app sends: media, polls, language,
// content warnings, replies and Idempotency-Key; and every bad input
// refused with 422 (or 404 for ids) with nothing posted.

let kith: InProcess;
let api: ReturnType<typeof client>;
let token: string;
let otherToken: string;
const env = mediaEnv();

const count = async () => (await api.call(token, "GET", "/api/v1/accounts/verify_credentials")).body.statuses_count;

beforeAll(async () => {
  kith = await startInProcess("compose", env);
  api = client(kith);
  const me = await kith.core.accounts.createLocal("cora");
  token = await kith.core.tokens.issue(me.id);
  otherToken = await kith.core.tokens.issue((await kith.core.accounts.createLocal("dirk")).id);
}, 60_000);

afterAll(async () => {
  await kith?.destroy();
  await rm(env.KITH_MEDIA_DIR, { recursive: true, force: true });
});

describe("media on a new status", () => {
  it("attaches up to four of one's own uploads, in upload order, with alt text", async () => {
    const media = [];
    for (const alt of ["one", "two", "three", "four"]) media.push(await api.upload(token, alt));
    const res = await api.call(token, "POST", "/api/v1/statuses", { status: "four pictures", media_ids: media.map((m) => m.id), sensitive: true });
    expect(res.status).toBe(200);
    expect(res.body.sensitive).toBe(true);
    expect(res.body.media_attachments.map((m: any) => m.description)).toEqual(["one", "two", "three", "four"]);
    expect(res.body.media_attachments[0]).toMatchObject({ type: "image", url: media[0].url, meta: { original: { width: 2, height: 2 } } });
    const again = await api.call(token, "GET", `/api/v1/statuses/${res.body.id}`);
    expect(again.body.media_attachments.map((m: any) => m.id)).toEqual(media.map((m) => m.id));
  });

  it("a status with media needs no text", async () => {
    const m = await api.upload(token);
    const res = await api.call(token, "POST", "/api/v1/statuses", { media_ids: [m.id] });
    expect(res.status).toBe(200);
    expect(res.body.content).toBe("<p></p>");
  });

  it("accepts form-encoded media_ids[] as apps send them", async () => {
    const m = await api.upload(token);
    const res = await kith.app!.inject({
      method: "POST",
      url: "/api/v1/statuses",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/x-www-form-urlencoded" },
      payload: `status=form&media_ids[]=${m.id}`,
    });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body).media_attachments[0].id).toBe(m.id);
  });

  it("422 for five media, someone else's media, unknown or malformed ids; nothing posted, media still free", async () => {
    const mine = [];
    for (let i = 0; i < 5; i++) mine.push(await api.upload(token));
    const theirs = await api.upload(otherToken);
    const before = await count();
    for (const media_ids of [mine.map((m) => m.id), [theirs.id], ["123456789"], ["abc"]]) {
      const res = await api.call(token, "POST", "/api/v1/statuses", { status: "nope", media_ids });
      expect(res.status, JSON.stringify(media_ids)).toBe(422);
      expect(res.body.error).toMatch(/Validation failed/);
    }
    expect(await count()).toBe(before);
    const ok = await api.call(token, "POST", "/api/v1/statuses", { status: "now fine", media_ids: [mine[0].id] });
    expect(ok.status).toBe(200);
  });
});

describe("polls on a new status", () => {
  it("creates a poll with Mastodon's Poll entity", async () => {
    const res = await api.call(token, "POST", "/api/v1/statuses", { status: "tea or coffee?", poll: { options: ["tea", "coffee"], expires_in: 3600, multiple: true, hide_totals: false } });
    expect(res.status).toBe(200);
    const poll = res.body.poll;
    expect(poll).toMatchObject({ id: expect.stringMatching(/^\d+$/), expired: false, multiple: true, votes_count: 0, voters_count: 0, options: [{ title: "tea", votes_count: 0 }, { title: "coffee", votes_count: 0 }], emojis: [], voted: true, own_votes: [] });
    const expiresIn = (Date.parse(poll.expires_at) - Date.now()) / 1000;
    expect(expiresIn).toBeGreaterThan(3500);
    expect(expiresIn).toBeLessThanOrEqual(3600);
  });

  it("accepts the nested form encoding apps send", async () => {
    const res = await kith.app!.inject({
      method: "POST",
      url: "/api/v1/statuses",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/x-www-form-urlencoded" },
      payload: "status=form+poll&poll[options][]=yes&poll[options][]=no&poll[expires_in]=300",
    });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body).poll.options.map((o: any) => o.title)).toEqual(["yes", "no"]);
  });

  it.each([
    [{ options: ["only one"], expires_in: 3600 }, /at least 2/],
    [{ options: ["a", "b", "c", "d", "e"], expires_in: 3600 }, /more than 4/],
    [{ options: ["a", "a"], expires_in: 3600 }, /repeat/],
    [{ options: ["a", ""], expires_in: 3600 }, /blank/],
    [{ options: ["a", "x".repeat(51)], expires_in: 3600 }, /longer than 50/],
    [{ options: ["a", "b"], expires_in: 299 }, /expires_in/],
    [{ options: ["a", "b"], expires_in: 2629747 }, /expires_in/],
    [{ options: ["a", "b"] }, /expires_in/],
    [{ expires_in: 600 }, /options/],
  ])("422 for poll %j, nothing posted", async (poll, message) => {
    const before = await count();
    const res = await api.call(token, "POST", "/api/v1/statuses", { status: "bad poll", poll });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(message);
    expect(await count()).toBe(before);
  });

  it("422 for a poll together with media; the media stay free", async () => {
    const m = await api.upload(token);
    const before = await count();
    const res = await api.call(token, "POST", "/api/v1/statuses", { status: "both", media_ids: [m.id], poll: { options: ["a", "b"], expires_in: 600 } });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(/both media and a poll/);
    expect(await count()).toBe(before);
    expect((await api.call(token, "POST", "/api/v1/statuses", { status: "media only", media_ids: [m.id] })).status).toBe(200);
  });
});

describe("text, warnings, language, visibility and replies", () => {
  it("keeps what the app sent", async () => {
    const parent = (await api.call(otherToken, "POST", "/api/v1/statuses", { status: "parent" })).body;
    const res = await api.call(token, "POST", "/api/v1/statuses", { status: "réponse", spoiler_text: "cw", language: "fr", visibility: "unlisted", in_reply_to_id: parent.id });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ spoiler_text: "cw", sensitive: true, language: "fr", visibility: "unlisted", in_reply_to_id: parent.id });
  });

  it("422 for blank text without media, a bad language or visibility; 404 for a missing parent; nothing posted", async () => {
    const before = await count();
    for (const body of [{ status: "  " }, { status: "x", language: "french!" }, { status: "x", visibility: "everyone" }, { status: "x".repeat(501) }]) {
      const res = await api.call(token, "POST", "/api/v1/statuses", body);
      expect(res.status, JSON.stringify(body)).toBe(422);
    }
    expect((await api.call(token, "POST", "/api/v1/statuses", { status: "x", in_reply_to_id: "42" })).status).toBe(404);
    expect(await count()).toBe(before);
  });
});

describe("Idempotency-Key", () => {
  it("the same key within the hour returns the first status instead of posting twice", async () => {
    const before = await count();
    const headers = { "idempotency-key": "key-1" };
    const first = await api.call(token, "POST", "/api/v1/statuses", { status: "only once" }, headers);
    const second = await api.call(token, "POST", "/api/v1/statuses", { status: "only once" }, headers);
    expect(first.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    expect(await count()).toBe(before + 1);
  });

  it("concurrent repeats still post once", async () => {
    const before = await count();
    const headers = { "idempotency-key": "key-race" };
    const results = await Promise.all([1, 2, 3].map(() => api.call(token, "POST", "/api/v1/statuses", { status: "raced" }, headers)));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(await count()).toBe(before + 1);
  });

  it("keys are per account, and another key posts again", async () => {
    const headers = { "idempotency-key": "key-2" };
    const mine = await api.call(token, "POST", "/api/v1/statuses", { status: "mine" }, headers);
    const theirs = await api.call(otherToken, "POST", "/api/v1/statuses", { status: "theirs" }, headers);
    expect(theirs.body.id).not.toBe(mine.body.id);
    const other = await api.call(token, "POST", "/api/v1/statuses", { status: "mine" }, { "idempotency-key": "key-3" });
    expect(other.body.id).not.toBe(mine.body.id);
  });

  it("a refused request does not use the key up", async () => {
    const headers = { "idempotency-key": "key-4" };
    expect((await api.call(token, "POST", "/api/v1/statuses", { status: "" }, headers)).status).toBe(422);
    const ok = await api.call(token, "POST", "/api/v1/statuses", { status: "second try" }, headers);
    expect(ok.status).toBe(200);
    expect(ok.body.content).toContain("second try");
  });
});

describe("GET /api/v1/statuses?id[]=", () => {
  it("returns the visible ones in the order asked, skipping unknown and hidden ids", async () => {
    const a = (await api.call(token, "POST", "/api/v1/statuses", { status: "a" })).body;
    const b = (await api.call(token, "POST", "/api/v1/statuses", { status: "b" })).body;
    const dm = (await api.call(token, "POST", "/api/v1/statuses", { status: "secret", visibility: "direct" })).body;
    const res = await api.call(otherToken, "GET", `/api/v1/statuses?id[]=${b.id}&id[]=999999&id[]=${dm.id}&id[]=${a.id}&id[]=zzz`);
    expect(res.status).toBe(200);
    expect(res.body.map((s: any) => s.id)).toEqual([b.id, a.id]);
    expect((await api.call(null, "GET", "/api/v1/statuses")).body).toEqual([]);
  });
});
