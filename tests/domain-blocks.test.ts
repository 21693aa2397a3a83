import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientOf, localUser, poster, remotePost, remoteUser, type Call, type LocalUser } from "./helpers/timeline-client.ts";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";
import { RemoteServer, type RemoteActor } from "./helpers/remote-actor.ts";
import { waitFor } from "./helpers/wait.ts";

// A user's own domain blocks (/api/v1/domain_blocks), as on Mastodon: the
// domain's posts leave the user's timelines (posts of accounts they still
// follow there stay in home), its notifications stop, the user's followers
// there are removed (their server gets a Reject), no follows start either
// way, and Relationship.domain_blocking says so.

let kith: InProcess;
let call: Call;
let post: ReturnType<typeof poster>;
let alice: LocalUser;
let bob: LocalUser;
let R: RemoteServer;
let rita: RemoteActor; // follows alice from R
let spammer: Awaited<ReturnType<typeof remoteUser>>; // on spam.example, not followed
let friend: Awaited<ReturnType<typeof remoteUser>>; // on spam.example, followed by alice
let elsewhere: Awaited<ReturnType<typeof remoteUser>>; // on good.example

const blocks = async (query = "") => call("GET", `/api/v1/domain_blocks${query}`, { token: alice.token });
const ids = (rows: any[]) => rows.map((s) => s.id);
const home = async () => ids((await call("GET", "/api/v1/timelines/home?limit=40", { token: alice.token })).body);
const publicTimeline = async (token?: string) => ids((await call("GET", "/api/v1/timelines/public?limit=40", { token })).body);
const notifications = async () => (await call("GET", "/api/v1/notifications?limit=40", { token: alice.token })).body as any[];
const relationship = async (id: bigint) => (await call("GET", `/api/v1/accounts/relationships?id[]=${id}`, { token: alice.token })).body[0];

beforeAll(async () => {
  [kith, R] = await Promise.all([startInProcess("domain_blocks"), RemoteServer.start()]);
  call = clientOf(kith);
  post = poster(kith, call);
  alice = await localUser(kith, "alice", ["read:blocks"]);
  bob = await localUser(kith, "bob");
  rita = R.addActor("rita");
  spammer = await remoteUser(kith, "spammer", "spam.example");
  friend = await remoteUser(kith, "friend", "spam.example");
  elsewhere = await remoteUser(kith, "other", "good.example");
  await kith.core.follows.follow(alice.account.id, friend.id);
  await kith.core.follows.receiveAccept(alice.account.id, friend.id);
  await kith.core.follows.follow(alice.account.id, bob.account.id);
}, 60_000);

afterAll(async () => Promise.all([kith?.destroy(), R?.close()]));

describe("blocking and unblocking domains", () => {
  it("starts empty; blocks domains given bare, as a URL, in capitals, as IDN, or by form; a second block changes nothing", async () => {
    expect((await blocks()).body).toEqual([]);
    expect((await call("POST", "/api/v1/domain_blocks", { token: alice.token, body: { domain: "first.example" } })).body).toEqual({});
    expect((await call("POST", "/api/v1/domain_blocks", { token: alice.token, body: { domain: "HTTPS://Second.Example/some/path" } })).status).toBe(200);
    expect((await call("POST", "/api/v1/domain_blocks", { token: alice.token, form: "domain=b%C3%BCcher.example" })).status).toBe(200);
    expect((await call("POST", "/api/v1/domain_blocks", { token: alice.token, body: { domain: "first.example" } })).status).toBe(200);
    expect((await blocks()).body).toEqual(["xn--bcher-kva.example", "second.example", "first.example"]);
  });

  it("pages with a Link header", async () => {
    const first = await blocks("?limit=2");
    expect(first.body).toEqual(["xn--bcher-kva.example", "second.example"]);
    const next = new URL(/<([^>]+)>; rel="next"/.exec(String(first.headers.link))![1]!);
    expect((await call("GET", next.pathname + next.search, { token: alice.token })).body).toEqual(["first.example"]);
  });

  it("unblocks with the domain in the body or the query; unblocking what is not blocked is harmless", async () => {
    expect((await call("DELETE", "/api/v1/domain_blocks", { token: alice.token, body: { domain: "second.example" } })).body).toEqual({});
    expect((await call("DELETE", "/api/v1/domain_blocks?domain=B%C3%BCcher.example", { token: alice.token })).status).toBe(200);
    expect((await call("DELETE", "/api/v1/domain_blocks", { token: alice.token, body: { domain: "never.example" } })).status).toBe(200);
    expect((await blocks()).body).toEqual(["first.example"]);
  });

  it.each([
    ["POST", {}, /domain is required/],
    ["POST", { domain: "   " }, /domain is required/],
    ["POST", { domain: "not a domain!" }, /not a valid domain/],
    ["POST", { domain: "user@host.example" }, /not a valid domain/],
    ["POST", { domain: 42 }, /domain/],
    ["DELETE", { domain: "bad domain" }, /not a valid domain/],
    ["DELETE", {}, /domain is required/],
  ])("%s %j: 422, and the list is unchanged", async (method, body, message) => {
    const res = await call(method, "/api/v1/domain_blocks", { token: alice.token, body });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(message);
    expect((await blocks()).body).toEqual(["first.example"]);
  });

  it("422 for this server's own domain; 403 without the scope; 401 without a token; the list is unchanged", async () => {
    const own = await call("POST", "/api/v1/domain_blocks", { token: alice.token, body: { domain: kith.core.config.domain } });
    expect(own.status).toBe(422);
    expect(own.body.error).toMatch(/own server/);
    expect((await call("POST", "/api/v1/domain_blocks", { token: alice.narrow, body: { domain: "x.example" } })).status).toBe(403);
    expect((await call("DELETE", "/api/v1/domain_blocks", { token: alice.narrow, body: { domain: "first.example" } })).status).toBe(403);
    expect((await call("POST", "/api/v1/domain_blocks", { body: { domain: "x.example" } })).status).toBe(401);
    const noScope = await kith.core.tokens.issue(alice.account.id, ["read:accounts"]);
    expect((await call("GET", "/api/v1/domain_blocks", { token: noScope })).status).toBe(403);
    expect((await call("GET", "/api/v1/domain_blocks", { token: alice.narrow })).body).toEqual(["first.example"]);
    await call("DELETE", "/api/v1/domain_blocks", { token: alice.token, body: { domain: "first.example" } });
  });
});

describe("what a domain block does", () => {
  let spamPost: bigint;
  let friendPost: bigint;
  let otherPost: bigint;
  let spamMention: bigint;
  let boosted: string;
  let local: string;

  beforeAll(async () => {
    spamPost = (await remotePost(kith, spammer, "buy things")).id;
    friendPost = (await remotePost(kith, friend, "a friend's post")).id;
    otherPost = (await remotePost(kith, elsewhere, "from a good place")).id;
    spamMention = (await remotePost(kith, spammer, "hey @alice buy things", { mentionUris: [alice.account.uri] })).id;
    for (const id of [spamPost, friendPost, otherPost, spamMention]) await kith.core.timelines.fanout(id);
    const reblog = await call("POST", `/api/v1/statuses/${spamPost}/reblog`, { token: bob.token });
    boosted = reblog.body.id;
    await kith.core.timelines.fanout(BigInt(boosted));
    local = await post(bob, "a local post");
  });

  it("before: everything shows", async () => {
    expect(await publicTimeline(alice.token)).toEqual(expect.arrayContaining([String(spamPost), String(friendPost), String(otherPost)]));
    expect(await home()).toEqual(expect.arrayContaining([String(friendPost), String(spamMention), boosted]));
    expect((await notifications()).map((n) => n.account.id)).toContain(String(spammer.id));
    expect(await relationship(spammer.id)).toMatchObject({ domain_blocking: false });
  });

  it("after: the domain leaves public timelines and home (followed accounts excepted), notifications go, relationships say so", async () => {
    expect((await call("POST", "/api/v1/domain_blocks", { token: alice.token, body: { domain: "spam.example" } })).status).toBe(200);
    const pub = await publicTimeline(alice.token);
    expect(pub).not.toContain(String(spamPost));
    expect(pub).not.toContain(String(friendPost));
    expect(pub).toContain(String(otherPost));
    expect(pub).toContain(local);
    // Someone else still sees them.
    expect(await publicTimeline(bob.token)).toContain(String(spamPost));
    const h = await home();
    expect(h).toContain(String(friendPost));
    expect(h).toContain(local);
    expect(h).not.toContain(String(spamMention));
    expect(h).not.toContain(boosted);
    expect((await notifications()).map((n) => n.account.id)).not.toContain(String(spammer.id));
    expect(await relationship(spammer.id)).toMatchObject({ id: String(spammer.id), domain_blocking: true });
    expect(await relationship(elsewhere.id)).toMatchObject({ domain_blocking: false });
    expect(await relationship(bob.account.id)).toMatchObject({ domain_blocking: false });
    // Live updates follow the same rule.
    const live = async (id: bigint | string, viewer = alice) => kith.core.streaming.deliverable((await kith.core.streaming.findStatus(BigInt(id)))!, viewer.account.id);
    expect(await live(spamPost)).toBe(false);
    expect(await live(boosted)).toBe(false);
    expect(await live(friendPost)).toBe(true);
    expect(await live(otherPost)).toBe(true);
    expect(await live(spamPost, bob)).toBe(true);
  });

  it("new notifications from the domain are dropped, except from accounts the user follows", async () => {
    await remotePost(kith, spammer, "@alice again", { mentionUris: [alice.account.uri] });
    const fromFriend = await remotePost(kith, friend, "@alice hello from a friend", { mentionUris: [alice.account.uri] });
    const senders = (await notifications()).map((n) => n.account.id);
    expect(senders).not.toContain(String(spammer.id));
    expect((await notifications()).map((n) => n.status?.id)).toContain(String(fromFriend.id));
  });

  it("no follows start with the domain: following there is refused, a Follow from there is rejected", async () => {
    const res = await call("POST", `/api/v1/accounts/${spammer.id}/follow`, { token: alice.token });
    expect(res.status).toBe(403);
    expect(await kith.core.follows.findFollow(alice.account.id, spammer.id)).toBeNull();
    await kith.core.follows.receiveFollow(spammer, alice.account, "https://spam.example/follows/1");
    expect(await kith.core.follows.findFollow(spammer.id, alice.account.id)).toBeNull();
  });

  it("unblocking brings the domain's posts back", async () => {
    await call("DELETE", "/api/v1/domain_blocks", { token: alice.token, body: { domain: "spam.example" } });
    expect(await publicTimeline(alice.token)).toContain(String(spamPost));
    expect(await home()).toContain(boosted);
    expect(await relationship(spammer.id)).toMatchObject({ domain_blocking: false });
  });
});

describe("followers on a blocked domain", () => {
  it("are removed, and their server is sent a Reject of their follow", async () => {
    const follow = R.follow(rita, alice.account.uri);
    expect((await R.deliver(`${kith.core.urls.origin}/inbox`, follow)).status).toBe(202);
    const ritaAccount = await waitFor(() => kith.core.accounts.findByUri(rita.id), "rita to be known");
    await waitFor(async () => (await kith.core.follows.isFollowing(ritaAccount.id, alice.account.id)) || null, "rita's follow to be accepted");
    const before = (await call("GET", `/api/v1/accounts/${alice.id}`)).body.followers_count;

    expect((await call("POST", "/api/v1/domain_blocks", { token: alice.token, body: { domain: R.host } })).status).toBe(200);
    expect(await kith.core.follows.findFollow(ritaAccount.id, alice.account.id)).toBeNull();
    expect((await call("GET", `/api/v1/accounts/${alice.id}`)).body.followers_count).toBe(before - 1);
    expect((await call("GET", `/api/v1/accounts/${alice.id}/followers`)).body.map((a: any) => a.id)).not.toContain(String(ritaAccount.id));
    const reject = await waitFor(async () => R.inboxActivities("Reject").find((a) => a.object?.actor === rita.id || a.object === follow.id), "the Reject of rita's follow");
    expect(reject.actor).toBe(alice.account.uri);
    expect(await relationship(ritaAccount.id)).toMatchObject({ domain_blocking: true, followed_by: false });
  });

  it("cannot follow again: a new Follow is answered with a Reject and nothing is stored", async () => {
    const ritaAccount = (await kith.core.accounts.findByUri(rita.id))!;
    const before = (await call("GET", `/api/v1/accounts/${alice.id}`)).body.followers_count;
    const again = R.follow(rita, alice.account.uri);
    expect((await R.deliver(`${kith.core.urls.origin}/inbox`, again)).status).toBe(202);
    await waitFor(async () => R.inboxActivities("Reject").find((a) => a.object?.id === again.id || a.object === again.id), "the Reject of rita's new follow");
    expect(await kith.core.follows.findFollow(ritaAccount.id, alice.account.id)).toBeNull();
    expect((await call("GET", `/api/v1/accounts/${alice.id}`)).body.followers_count).toBe(before);
  });
});
