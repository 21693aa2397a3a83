import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";
import { clientOf, localUser, poster, remotePost, remoteUser, type Call, type LocalUser } from "./helpers/timeline-client.ts";
import { waitFor } from "./helpers/wait.ts";

// Account endpoints: mutes and what relationships say of them, an account's
// statuses with their filters, followers and following, familiar followers,
// account search, accounts by id, blocks and endorsements.

let kith: InProcess;
let call: Call;
let post: ReturnType<typeof poster>;
let alice: LocalUser;
let bob: LocalUser;
let carol: LocalUser;
let dave: LocalUser;

const relationship = async (who: LocalUser, target: string) => (await call("GET", `/api/v1/accounts/relationships?id[]=${target}`, { token: who.token })).body[0];
const nextLink = (headers: Record<string, unknown>) => {
  const url = new URL(/<([^>]+)>; rel="next"/.exec(String(headers.link))![1]!);
  return url.pathname + url.search;
};

beforeAll(async () => {
  kith = await startInProcess("accounts_api");
  call = clientOf(kith);
  post = poster(kith, call);
  alice = await localUser(kith, "alice", ["write:statuses"]);
  bob = await localUser(kith, "bob");
  carol = await localUser(kith, "carol");
  dave = await localUser(kith, "dave");
}, 60_000);

afterAll(async () => kith?.destroy());

describe("mutes", () => {
  it("mutes with options; relationships and GET /api/v1/mutes show it", async () => {
    const res = await call("POST", `/api/v1/accounts/${bob.id}/mute`, { token: alice.token, body: { notifications: false, duration: 3600 } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: bob.id, muting: true, muting_notifications: false });
    expect(Date.parse(res.body.muting_expires_at) - Date.now()).toBeGreaterThan(3500_000);
    await call("POST", `/api/v1/accounts/${carol.id}/mute`, { token: alice.token, form: "notifications=true" });
    expect(await relationship(alice, carol.id)).toMatchObject({ muting: true, muting_notifications: true, muting_expires_at: null });

    const mutes = await call("GET", "/api/v1/mutes", { token: alice.token });
    expect(mutes.body.map((a: any) => [a.acct, a.mute_expires_at === null])).toEqual([["carol", true], ["bob", false]]);
    const page = await call("GET", "/api/v1/mutes?limit=1", { token: alice.token });
    expect(page.body.map((a: any) => a.acct)).toEqual(["carol"]);
    expect((await call("GET", nextLink(page.headers), { token: alice.token })).body.map((a: any) => a.acct)).toEqual(["bob"]);
  });

  it("refuses: 403 without the scope, 404 for a bad id, 422 for oneself or a bad duration; nothing changes", async () => {
    expect((await call("POST", `/api/v1/accounts/${dave.id}/mute`, { token: alice.narrow })).status).toBe(403);
    expect((await call("GET", "/api/v1/mutes", { token: alice.narrow })).status).toBe(403);
    expect((await call("POST", "/api/v1/accounts/999999/mute", { token: alice.token })).status).toBe(404);
    expect((await call("POST", "/api/v1/accounts/nope/unmute", { token: alice.token })).status).toBe(404);
    const self = await call("POST", `/api/v1/accounts/${alice.id}/mute`, { token: alice.token });
    expect(self.status).toBe(422);
    expect(self.body.error).toMatch(/yourself/);
    const duration = await call("POST", `/api/v1/accounts/${dave.id}/mute`, { token: alice.token, body: { duration: -1 } });
    expect(duration.status).toBe(422);
    expect(duration.body.error).toMatch(/duration/);
    expect((await relationship(alice, dave.id)).muting).toBe(false);
    expect((await call("GET", "/api/v1/mutes", { token: alice.token })).body).toHaveLength(2);
  });

  it("unmutes, and a mute with a duration ends by itself", async () => {
    const res = await call("POST", `/api/v1/accounts/${carol.id}/unmute`, { token: alice.token });
    expect(res.body).toMatchObject({ muting: false, muting_notifications: false });
    await call("POST", `/api/v1/accounts/${bob.id}/unmute`, { token: alice.token });
    await call("POST", `/api/v1/accounts/${dave.id}/mute`, { token: alice.token, body: { duration: 1 } });
    expect((await relationship(alice, dave.id)).muting).toBe(true);
    await waitFor(async () => (await relationship(alice, dave.id)).muting === false, "the mute to expire", 5000);
    expect((await call("GET", "/api/v1/mutes", { token: alice.token })).body).toEqual([]);
  });
});

describe("an account's statuses", () => {
  let plain: string;
  let tagged: string;
  let thread: string;
  let replyToOther: string;
  let reblog: string;
  let media: string;

  beforeAll(async () => {
    const remote = await remoteUser(kith, "rita");
    media = String((await remotePost(kith, remote, "with a picture #pics", { withImage: true, tags: ["pics"] })).id);
    plain = await post(bob, "plain");
    tagged = await post(bob, "about #Kith");
    thread = await post(bob, "continuing", { in_reply_to_id: plain });
    replyToOther = await post(bob, "@carol replying", { in_reply_to_id: await post(carol, "carol's") });
    reblog = (await call("POST", `/api/v1/statuses/${await post(carol, "boosted")}/reblog`, { token: bob.token })).body.id;
  });

  const statuses = async (id: string, query = "") => ((await call("GET", `/api/v1/accounts/${id}/statuses${query}`)).body as any[]).map((s) => s.id);

  it("lists everything by default, newest first", async () => {
    expect(await statuses(bob.id)).toEqual([reblog, replyToOther, thread, tagged, plain]);
  });

  it("exclude_replies keeps self-replies, exclude_reblogs drops reblogs, tagged and only_media narrow", async () => {
    expect(await statuses(bob.id, "?exclude_replies=true")).toEqual([reblog, thread, tagged, plain]);
    expect(await statuses(bob.id, "?exclude_reblogs=true&exclude_replies=1")).toEqual([thread, tagged, plain]);
    expect(await statuses(bob.id, "?tagged=kith")).toEqual([tagged]);
    expect(await statuses(bob.id, "?only_media=true")).toEqual([]);
    const rita = (await call("GET", "/api/v1/accounts/lookup?acct=rita@remote.example")).body.id;
    expect(await statuses(rita, "?only_media=true")).toEqual([media]);
  });

  it("422 for bad filters, 404 for a bad account", async () => {
    expect((await call("GET", `/api/v1/accounts/${bob.id}/statuses?only_media[]=sometimes`)).status).toBe(422);
    expect((await call("GET", `/api/v1/accounts/${bob.id}/statuses?tagged=not%20a%20tag`)).status).toBe(422);
    expect((await call("GET", "/api/v1/accounts/12345/statuses")).status).toBe(404);
  });

  it("an account that blocks the viewer shows them nothing", async () => {
    await call("POST", `/api/v1/accounts/${dave.id}/block`, { token: bob.token });
    expect((await call("GET", `/api/v1/accounts/${bob.id}/statuses`, { token: dave.token })).body).toEqual([]);
    await call("POST", `/api/v1/accounts/${dave.id}/unblock`, { token: bob.token });
  });
});

describe("followers, following, familiar followers", () => {
  beforeAll(async () => {
    for (const who of [alice, carol, dave]) await call("POST", `/api/v1/accounts/${bob.id}/follow`, { token: who.token });
    await call("POST", `/api/v1/accounts/${carol.id}/follow`, { token: alice.token });
    await call("POST", `/api/v1/accounts/${dave.id}/follow`, { token: alice.token });
  });

  it("pages followers newest first with Link headers, and following", async () => {
    const page = await call("GET", `/api/v1/accounts/${bob.id}/followers?limit=2`);
    expect(page.body.map((a: any) => a.acct)).toEqual(["dave", "carol"]);
    expect((await call("GET", nextLink(page.headers))).body.map((a: any) => a.acct)).toEqual(["alice"]);
    expect((await call("GET", `/api/v1/accounts/${alice.id}/following`)).body.map((a: any) => a.acct)).toEqual(["dave", "carol", "bob"]);
    expect((await call("GET", "/api/v1/accounts/0/followers")).status).toBe(404);
    // A limit that is not a number gives the default page, as Mastodon's to_i reads it.
    expect((await call("GET", `/api/v1/accounts/${bob.id}/followers?limit=x`)).body).toHaveLength(3);
  });

  it("hides an account's connections from someone it blocks", async () => {
    await call("POST", `/api/v1/accounts/${carol.id}/block`, { token: dave.token });
    expect((await call("GET", `/api/v1/accounts/${dave.id}/following`, { token: carol.token })).body).toEqual([]);
    expect((await call("GET", `/api/v1/accounts/${dave.id}/following`, { token: alice.token })).body.length).toBeGreaterThan(0);
    await call("POST", `/api/v1/accounts/${carol.id}/unblock`, { token: dave.token });
  });

  it("familiar followers: whom I follow among their followers", async () => {
    const res = await call("GET", `/api/v1/accounts/familiar_followers?id[]=${bob.id}&id[]=${carol.id}`, { token: alice.token });
    expect(res.body.map((r: any) => [r.id, r.accounts.map((a: any) => a.acct).sort()])).toEqual([
      [bob.id, ["carol", "dave"]],
      [carol.id, []],
    ]);
    expect((await call("GET", `/api/v1/accounts/familiar_followers?id[]=${bob.id}`, { token: alice.narrow })).status).toBe(403);
  });
});

describe("finding accounts", () => {
  beforeAll(async () => {
    await remoteUser(kith, "bobby", "far.example", "Bobby Far");
    await localUser(kith, "bobcat");
  });

  it("GET /api/v1/accounts/search: prefix on username or display name, exact and local first, following filter", async () => {
    const res = await call("GET", "/api/v1/accounts/search?q=bob", { token: alice.token });
    expect(res.body.map((a: any) => a.acct)).toEqual(["bob", "bobcat", "bobby@far.example"]);
    expect((await call("GET", "/api/v1/accounts/search?q=far", { token: alice.token })).body.map((a: any) => a.acct)).toEqual(["bobby@far.example"]);
    expect((await call("GET", "/api/v1/accounts/search?q=bob@far", { token: alice.token })).body.map((a: any) => a.acct)).toEqual(["bobby@far.example"]);
    expect((await call("GET", "/api/v1/accounts/search?q=bob&following=true", { token: alice.token })).body.map((a: any) => a.acct)).toEqual(["bob"]);
    expect((await call("GET", "/api/v1/accounts/search?q=bob&limit=1&offset=1", { token: alice.token })).body.map((a: any) => a.acct)).toEqual(["bobcat"]);
    // LIKE wildcards in the query are taken literally.
    expect((await call("GET", "/api/v1/accounts/search?q=b%25", { token: alice.token })).body).toEqual([]);
  });

  it("search refusals: 422 without q, 401 without a token, 403 without read:accounts", async () => {
    expect((await call("GET", "/api/v1/accounts/search", { token: alice.token })).status).toBe(422);
    expect((await call("GET", "/api/v1/accounts/search?q=bob")).status).toBe(401);
    expect((await call("GET", "/api/v1/accounts/search?q=bob", { token: alice.narrow })).status).toBe(403);
    // A negative offset is read as 0 (Mastodon's to_i would reach the database with it).
    expect((await call("GET", "/api/v1/accounts/search?q=bob&offset=-1", { token: alice.token })).status).toBe(200);
  });

  it("GET /api/v1/accounts?id[]= returns the accounts that exist, in order", async () => {
    const res = await call("GET", `/api/v1/accounts?id[]=${carol.id}&id[]=999999&id[]=${bob.id}`);
    expect(res.body.map((a: any) => a.acct)).toEqual(["carol", "bob"]);
  });
});

describe("blocks and endorsements", () => {
  it("lists blocks newest first with Link pagination; 403 without read:blocks", async () => {
    await call("POST", `/api/v1/accounts/${carol.id}/block`, { token: alice.token });
    await call("POST", `/api/v1/accounts/${dave.id}/block`, { token: alice.token });
    const page = await call("GET", "/api/v1/blocks?limit=1", { token: alice.token });
    expect(page.body.map((a: any) => a.acct)).toEqual(["dave"]);
    expect((await call("GET", nextLink(page.headers), { token: alice.token })).body.map((a: any) => a.acct)).toEqual(["carol"]);
    expect((await call("GET", "/api/v1/blocks", { token: alice.narrow })).status).toBe(403);
  });

  it("endorsements are an empty list", async () => {
    expect((await call("GET", "/api/v1/endorsements", { token: alice.token })).body).toEqual([]);
    expect((await call("GET", "/api/v1/endorsements")).status).toBe(401);
  });
});
