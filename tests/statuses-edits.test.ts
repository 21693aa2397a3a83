import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, mediaEnv } from "./helpers/client.ts";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";

// Editing keeps every earlier version; deleting hands back what a redraft needs.

let kith: InProcess;
let api: ReturnType<typeof client>;
let token: string;
let readOnly: string;
let otherToken: string;
const env = mediaEnv();

beforeAll(async () => {
  kith = await startInProcess("edits", env);
  api = client(kith);
  const me = await kith.core.accounts.createLocal("edna");
  token = await kith.core.tokens.issue(me.id);
  readOnly = await kith.core.tokens.issue(me.id, ["read"]);
  otherToken = await kith.core.tokens.issue((await kith.core.accounts.createLocal("fred")).id);
}, 60_000);

afterAll(async () => {
  await kith?.destroy();
  await rm(env.KITH_MEDIA_DIR, { recursive: true, force: true });
});

const post = async (body: object) => {
  const res = await api.call(token, "POST", "/api/v1/statuses", body);
  if (res.status !== 200) throw new Error(JSON.stringify(res.body));
  return res.body;
};

describe("PUT /api/v1/statuses/:id", () => {
  it("changes text, warning, language and media; history lists every version, oldest first", async () => {
    const first = await api.upload(token, "first picture");
    const second = await api.upload(token, "second picture");
    const status = await post({ status: "version one", media_ids: [first.id] });
    const edit = await api.call(token, "PUT", `/api/v1/statuses/${status.id}`, { status: "version two", spoiler_text: "cw", language: "en", media_ids: [second.id] });
    expect(edit.status).toBe(200);
    expect(edit.body).toMatchObject({ spoiler_text: "cw", sensitive: true, language: "en" });
    expect(edit.body.content).toContain("version two");
    expect(edit.body.edited_at).not.toBeNull();
    expect(edit.body.media_attachments.map((m: any) => m.id)).toEqual([second.id]);
    // The first picture was detached, so it can go on another post.
    expect((await api.call(token, "POST", "/api/v1/statuses", { status: "reuse", media_ids: [first.id] })).status).toBe(200);

    await api.call(token, "PUT", `/api/v1/statuses/${status.id}`, { status: "version three", media_ids: [second.id], media_attributes: [{ id: second.id, description: "better alt", focus: "0.1,0.2" }] });
    const history = await api.call(token, "GET", `/api/v1/statuses/${status.id}/history`);
    expect(history.status).toBe(200);
    expect(history.body.map((v: any) => v.content)).toEqual(["<p>version one</p>", "<p>version two</p>", "<p>version three</p>"]);
    expect(history.body.map((v: any) => v.spoiler_text)).toEqual(["", "cw", "cw"]);
    expect(history.body[0].media_attachments.map((m: any) => m.id)).toEqual([first.id]);
    expect(history.body[2].media_attachments[0]).toMatchObject({ id: second.id, description: "better alt", meta: { focus: { x: 0.1, y: 0.2 } } });
    expect(history.body[0]).toMatchObject({ sensitive: false, account: { id: edit.body.account.id }, poll: null, emojis: [] });
    const times = history.body.map((v: any) => Date.parse(v.created_at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(times[0]).toBe(Date.parse(status.created_at));
  });

  it("an unedited status has a history of one: itself", async () => {
    const status = await post({ status: "never edited" });
    const history = await api.call(otherToken, "GET", `/api/v1/statuses/${status.id}/history`);
    expect(history.body).toHaveLength(1);
    expect(history.body[0].content).toBe(status.content);
  });

  it("changing the options of a poll voids its votes; the same options keep them", async () => {
    const status = await post({ status: "poll", poll: { options: ["a", "b"], expires_in: 3600 } });
    expect((await api.call(otherToken, "POST", `/api/v1/polls/${status.poll.id}/votes`, { choices: [1] })).status).toBe(200);
    const kept = await api.call(token, "PUT", `/api/v1/statuses/${status.id}`, { status: "poll, reworded", poll: { options: ["a", "b"], expires_in: 3600 } });
    expect(kept.body.poll.options.map((o: any) => o.votes_count)).toEqual([0, 1]);
    const changed = await api.call(token, "PUT", `/api/v1/statuses/${status.id}`, { status: "poll, new options", poll: { options: ["a", "c"], expires_in: 3600 } });
    expect(changed.body.poll).toMatchObject({ votes_count: 0, voters_count: 0, options: [{ title: "a" }, { title: "c" }] });
    const theirView = await api.call(otherToken, "GET", `/api/v1/polls/${status.poll.id}`);
    expect(theirView.body).toMatchObject({ voted: false, own_votes: [] });
    const history = await api.call(token, "GET", `/api/v1/statuses/${status.id}/history`);
    expect(history.body.map((v: any) => v.poll?.options.map((o: any) => o.title))).toEqual([["a", "b"], ["a", "b"], ["a", "c"]]);
    const removed = await api.call(token, "PUT", `/api/v1/statuses/${status.id}`, { status: "no poll", poll: null });
    expect(removed.body.poll).toBeNull();
  });

  it("refuses bad edits with nothing changed: 422 bad input, 404 others' or unknown statuses, 403 without scope", async () => {
    const m = await api.upload(token);
    const theirs = await api.upload(otherToken);
    const status = await post({ status: "stable", media_ids: [m.id] });
    const cases: [string, object, number][] = [
      [token, { status: "x".repeat(501) }, 422],
      [token, { media_ids: [theirs.id] }, 422],
      [token, { poll: { options: ["a", "b"], expires_in: 600 } }, 422],
      [token, { media_attributes: [{ id: m.id, focus: "9,9" }] }, 422],
      [token, { language: "!!" }, 422],
      [otherToken, { status: "hijack" }, 404],
      [readOnly, { status: "no scope" }, 403],
    ];
    for (const [t, body, code] of cases) {
      const res = await api.call(t, "PUT", `/api/v1/statuses/${status.id}`, body);
      expect(res.status, JSON.stringify(body)).toBe(code);
      expect(res.body.error).toBeTruthy();
    }
    expect((await api.call(token, "PUT", "/api/v1/statuses/999999", { status: "x" })).status).toBe(404);
    expect((await api.call(token, "PUT", "/api/v1/statuses/abc", { status: "x" })).status).toBe(404);
    const after = await api.call(token, "GET", `/api/v1/statuses/${status.id}`);
    expect(after.body).toMatchObject({ content: status.content, edited_at: null, media_attachments: [{ id: m.id }] });
    expect((await api.call(token, "GET", `/api/v1/statuses/${status.id}/history`)).body).toHaveLength(1);
  });
});

describe("GET /api/v1/statuses/:id/source", () => {
  it("gives the author the text they typed", async () => {
    const status = await post({ status: "plain *text* #tag", spoiler_text: "cw" });
    const res = await api.call(token, "GET", `/api/v1/statuses/${status.id}/source`);
    expect(res.body).toEqual({ id: status.id, text: "plain *text* #tag", spoiler_text: "cw" });
  });

  it("404 for someone else's status or a bad id, 401 without a token", async () => {
    const status = await post({ status: "mine" });
    expect((await api.call(otherToken, "GET", `/api/v1/statuses/${status.id}/source`)).status).toBe(404);
    expect((await api.call(token, "GET", "/api/v1/statuses/x/source")).status).toBe(404);
    expect((await api.call(null, "GET", `/api/v1/statuses/${status.id}/source`)).status).toBe(401);
  });
});

describe("DELETE /api/v1/statuses/:id (delete and redraft)", () => {
  it("returns the text, media and poll, and the media can be posted again", async () => {
    const m = await api.upload(token, "keep me");
    const status = await post({ status: "redraft me", media_ids: [m.id] });
    const del = await api.call(token, "DELETE", `/api/v1/statuses/${status.id}`);
    expect(del.status).toBe(200);
    expect(del.body.text).toBe("redraft me");
    expect(del.body.media_attachments).toMatchObject([{ id: m.id, description: "keep me" }]);
    expect((await api.call(token, "GET", `/api/v1/statuses/${status.id}`)).status).toBe(404);
    const redraft = await api.call(token, "POST", "/api/v1/statuses", { status: "redrafted", media_ids: [m.id] });
    expect(redraft.status).toBe(200);
    expect(redraft.body.media_attachments[0].id).toBe(m.id);

    const withPoll = await post({ status: "poll", poll: { options: ["x", "y"], expires_in: 600 } });
    const gone = await api.call(token, "DELETE", `/api/v1/statuses/${withPoll.id}`);
    expect(gone.body.poll.options.map((o: any) => o.title)).toEqual(["x", "y"]);
    expect((await api.call(token, "GET", `/api/v1/polls/${withPoll.poll.id}`)).status).toBe(404);
  });
});
