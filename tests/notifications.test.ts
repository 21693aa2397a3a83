import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientOf, localUser, poster, type Call, type LocalUser } from "./helpers/timeline-client.ts";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";

// Notifications: the types Kith produces, the list filters (types[],
// exclude_types[], account_id), the unread count against the read marker,
// dismiss and clear, grouped notifications, and who may notify whom
// (mutes, "notify me" follows).

let kith: InProcess;
let call: Call;
let post: ReturnType<typeof poster>;
let alice: LocalUser;
let bob: LocalUser;
let carol: LocalUser;

const list = async (query = "") => (await call("GET", `/api/v1/notifications${query}`, { token: alice.token })).body as any[];
const types = async (query = "") => (await list(query)).map((n) => `${n.type}:${n.account.acct}`);

beforeAll(async () => {
  kith = await startInProcess("notifications");
  call = clientOf(kith);
  post = poster(kith, call);
  alice = await localUser(kith, "alice", ["read"]);
  bob = await localUser(kith, "bob");
  carol = await localUser(kith, "carol");
}, 60_000);

afterAll(async () => kith?.destroy());

describe("the notifications list", () => {
  let alicePost: string;

  beforeAll(async () => {
    alicePost = await post(alice, "hello");
    await call("POST", `/api/v1/accounts/${alice.id}/follow`, { token: bob.token });
    await post(bob, "@alice hi");
    await call("POST", `/api/v1/statuses/${alicePost}/favourite`, { token: bob.token });
    await call("POST", `/api/v1/statuses/${alicePost}/reblog`, { token: carol.token });
  });

  it("lists follow, mention, favourite and reblog notifications, newest first, with group keys", async () => {
    const all = await list();
    expect(all.map((n) => `${n.type}:${n.account.acct}`)).toEqual(["reblog:carol", "favourite:bob", "mention:bob", "follow:bob"]);
    expect(all[0]).toMatchObject({ id: expect.any(String), created_at: expect.any(String), status: { id: alicePost } });
    expect(all[0].group_key).toMatch(new RegExp(`^reblog-${alicePost}-\\d+$`));
    expect(all[2].group_key).toBe(`ungrouped-${all[2].id}`);
    expect(all[3]).not.toHaveProperty("status");
  });

  it("filters by types[], exclude_types[] and account_id", async () => {
    expect(await types("?types[]=mention&types[]=follow")).toEqual(["mention:bob", "follow:bob"]);
    expect(await types("?exclude_types[]=mention&exclude_types[]=follow")).toEqual(["reblog:carol", "favourite:bob"]);
    expect(await types(`?account_id=${carol.id}`)).toEqual(["reblog:carol"]);
    const bad = await call("GET", "/api/v1/notifications?account_id=carol", { token: alice.token });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatch(/account_id/);
  });

  it("pages with Link headers", async () => {
    const page = await call("GET", "/api/v1/notifications?limit=2", { token: alice.token });
    expect(page.body).toHaveLength(2);
    const next = new URL(/<([^>]+)>; rel="next"/.exec(String(page.headers.link))![1]!);
    const rest = await call("GET", next.pathname + next.search, { token: alice.token });
    expect(rest.body.map((n: any) => n.type)).toEqual(["mention", "follow"]);
  });

  it("shows one notification, 404 for someone else's", async () => {
    const [first] = await list();
    expect((await call("GET", `/api/v1/notifications/${first.id}`, { token: alice.token })).body.id).toBe(first.id);
    expect((await call("GET", `/api/v1/notifications/${first.id}`, { token: bob.token })).status).toBe(404);
    expect((await call("GET", "/api/v1/notifications/abc", { token: alice.token })).status).toBe(404);
  });

  it("counts unread notifications after the notifications marker (v1 and v2)", async () => {
    const all = await list();
    expect((await call("GET", "/api/v1/notifications/unread_count", { token: alice.token })).body).toEqual({ count: 4 });
    await call("POST", "/api/v1/markers", { token: alice.token, body: { notifications: { last_read_id: all[1].id } } });
    expect((await call("GET", "/api/v1/notifications/unread_count", { token: alice.token })).body).toEqual({ count: 1 });
    expect((await call("GET", "/api/v2/notifications/unread_count?types[]=favourite", { token: alice.token })).body).toEqual({ count: 0 });
    // A limit that reads as 0 gives the default one (100), as Mastodon's to_i would not refuse it.
    expect((await call("GET", "/api/v1/notifications/unread_count?limit=0", { token: alice.token })).body).toEqual({ count: 1 });
    expect((await call("GET", "/api/v1/notifications/unread_count", { token: bob.narrow })).status).toBe(403);
  });

  it("grouped notifications (v2) fold favourites of one status into one group", async () => {
    await call("POST", `/api/v1/statuses/${alicePost}/favourite`, { token: carol.token });
    const res = await call("GET", "/api/v2/notifications", { token: alice.token });
    expect(res.status).toBe(200);
    const favourites = res.body.notification_groups.filter((g: any) => g.type === "favourite");
    expect(favourites).toHaveLength(1);
    expect(favourites[0]).toMatchObject({ notifications_count: 2, status_id: alicePost, sample_account_ids: [carol.id, bob.id] });
    expect(res.body.accounts.map((a: any) => a.id).sort()).toEqual([bob.id, carol.id].sort());
    expect(res.body.statuses.map((s: any) => s.id)).toContain(alicePost);

    const group = await call("GET", `/api/v2/notifications/${favourites[0].group_key}`, { token: alice.token });
    expect(group.body.notification_groups[0].notifications_count).toBe(2);
    const accounts = await call("GET", `/api/v2/notifications/${favourites[0].group_key}/accounts`, { token: alice.token });
    expect(accounts.body.map((a: any) => a.acct).sort()).toEqual(["bob", "carol"]);
    expect((await call("GET", "/api/v2/notifications/favourite-1-2", { token: alice.token })).status).toBe(404);
    expect((await call("GET", "/api/v2/notifications/garbage", { token: alice.token })).status).toBe(404);

    expect((await call("POST", `/api/v2/notifications/${favourites[0].group_key}/dismiss`, { token: alice.narrow })).status).toBe(403);
    expect((await call("POST", `/api/v2/notifications/${favourites[0].group_key}/dismiss`, { token: alice.token })).body).toEqual({});
    expect(await types("?types[]=favourite")).toEqual([]);
    expect((await call("POST", `/api/v2/notifications/${favourites[0].group_key}/dismiss`, { token: alice.token })).status).toBe(404);
  });

  it("dismisses one notification: 404 for someone else's or a missing one, 403 without the scope; nothing else goes", async () => {
    const [first, second] = await list();
    expect((await call("POST", `/api/v1/notifications/${first.id}/dismiss`, { token: bob.token })).status).toBe(404);
    expect((await call("POST", `/api/v1/notifications/${first.id}/dismiss`, { token: alice.narrow })).status).toBe(403);
    expect((await call("POST", "/api/v1/notifications/123/dismiss", { token: alice.token })).status).toBe(404);
    expect((await list()).map((n) => n.id)).toContain(first.id);
    expect((await call("POST", `/api/v1/notifications/${first.id}/dismiss`, { token: alice.token })).body).toEqual({});
    const left = (await list()).map((n) => n.id);
    expect(left).not.toContain(first.id);
    expect(left).toContain(second.id);
  });

  it("the policy is to accept everything, and no requests are held", async () => {
    expect((await call("GET", "/api/v2/notifications/policy", { token: alice.token })).body).toMatchObject({ for_not_following: "accept", summary: { pending_requests_count: 0 } });
    expect((await call("GET", "/api/v1/notifications/policy", { token: alice.token })).body).toMatchObject({ filter_not_following: false });
    expect((await call("GET", "/api/v1/notifications/requests", { token: alice.token })).body).toEqual([]);
  });

  it("clears all, 403 without the scope", async () => {
    expect((await call("POST", "/api/v1/notifications/clear", { token: alice.narrow })).status).toBe(403);
    expect((await list()).length).toBeGreaterThan(0);
    expect((await call("POST", "/api/v1/notifications/clear", { token: alice.token })).body).toEqual({});
    expect(await list()).toEqual([]);
  });
});

describe("who notifies whom", () => {
  beforeAll(async () => {
    await call("POST", "/api/v1/notifications/clear", { token: alice.token });
  });

  it("a muted account's mentions do not notify; a mute without notifications still lets them through", async () => {
    await call("POST", `/api/v1/accounts/${bob.id}/mute`, { token: alice.token, body: { notifications: true } });
    await post(bob, "@alice you muted me");
    expect(await types()).toEqual([]);
    await call("POST", `/api/v1/accounts/${bob.id}/mute`, { token: alice.token, body: { notifications: false } });
    await post(bob, "@alice but not my notifications");
    expect(await types()).toEqual(["mention:bob"]);
    await call("POST", `/api/v1/accounts/${bob.id}/unmute`, { token: alice.token });
  });

  it("a follow with notify=true brings a `status` notification for originals, not replies to others or reblogs", async () => {
    await call("POST", "/api/v1/notifications/clear", { token: alice.token });
    const rel = await call("POST", `/api/v1/accounts/${carol.id}/follow`, { token: alice.token, body: { notify: true } });
    expect(rel.body).toMatchObject({ following: true, notifying: true });
    const original = await post(carol, "news from carol");
    const selfReply = await post(carol, "more news", { in_reply_to_id: original });
    const other = await post(bob, "bob's post");
    await post(carol, "@bob reply to bob", { in_reply_to_id: other });
    const reblog = await call("POST", `/api/v1/statuses/${other}/reblog`, { token: carol.token });
    await kith.core.timelines.fanout(BigInt(reblog.body.id));
    const statusNotes = await list("?types[]=status");
    expect(statusNotes.map((n) => n.status.id)).toEqual([selfReply, original]);

    // Turning notify off (following again) stops them.
    const off = await call("POST", `/api/v1/accounts/${carol.id}/follow`, { token: alice.token, form: "notify=false" });
    expect(off.body.notifying).toBe(false);
    await post(carol, "quiet now");
    expect(await list("?types[]=status")).toHaveLength(2);
  });

  it("422 for bad follow options, and the follow is unchanged", async () => {
    const bad = await call("POST", `/api/v1/accounts/${carol.id}/follow`, { token: alice.token, body: { notify: ["often"] } });
    expect(bad.status).toBe(422);
    const langs = await call("POST", `/api/v1/accounts/${carol.id}/follow`, { token: alice.token, body: { languages: ["not a language"] } });
    expect(langs.status).toBe(422);
    const rel = (await call("GET", `/api/v1/accounts/relationships?id[]=${carol.id}`, { token: alice.token })).body[0];
    expect(rel).toMatchObject({ following: true, notifying: false, showing_reblogs: true });
  });

  it("an edit notifies those who reblogged the status (`update`)", async () => {
    const original = await post(bob, "to be edited");
    await call("POST", `/api/v1/statuses/${original}/reblog`, { token: alice.token });
    const edit = await call("PUT", `/api/v1/statuses/${original}`, { token: bob.token, body: { status: "edited" } });
    expect(edit.status).toBe(200);
    const updates = await list("?types[]=update");
    expect(updates.map((n) => [n.account.acct, n.status.id])).toEqual([["bob", original]]);
  });
});
