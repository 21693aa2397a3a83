import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientOf, localUser, poster, remotePost, remoteUser, type Call, type LocalUser } from "./helpers/timeline-client.ts";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";
import { RemoteServer, type RemoteActor } from "./helpers/remote-actor.ts";
import { waitFor } from "./helpers/wait.ts";

// Followed hashtags: the Tag entity with `following`, the followed_tags list,
// and public posts with a followed tag reaching the follower's home timeline
// (local ones and remote ones arriving at the inbox), unless the follower
// hides their author.

let kith: InProcess;
let call: Call;
let post: ReturnType<typeof poster>;
let carol: LocalUser; // follows tags, follows nobody
let bob: LocalUser;
let R: RemoteServer;
let ruth: RemoteActor;

const followed = async (who = carol, query = "") => call("GET", `/api/v1/followed_tags${query}`, { token: who.token });
const homeIds = async (who = carol) => ((await call("GET", "/api/v1/timelines/home?limit=40", { token: who.token })).body as any[]).map((s) => s.id);

beforeAll(async () => {
  [kith, R] = await Promise.all([startInProcess("followed_tags"), RemoteServer.start()]);
  call = clientOf(kith);
  post = poster(kith, call);
  carol = await localUser(kith, "carol", ["read:follows"]);
  bob = await localUser(kith, "bob");
  ruth = R.addActor("ruth");
}, 60_000);

afterAll(async () => Promise.all([kith?.destroy(), R?.close()]));

describe("following and unfollowing hashtags", () => {
  it("a tag nobody used is shown unfollowed; following creates it and says following", async () => {
    const before = await call("GET", "/api/v1/tags/Gardening", { token: carol.token });
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ id: "", name: "gardening", following: false });
    const res = await call("POST", "/api/v1/tags/Gardening/follow", { token: carol.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: expect.stringMatching(/^\d+$/), name: "gardening", url: `${kith.core.urls.origin}/tags/gardening`, history: [], following: true, featuring: false });
    // Again: still one follow.
    expect((await call("POST", "/api/v1/tags/gardening/follow", { token: carol.token })).body.following).toBe(true);
    expect((await call("GET", "/api/v1/tags/gardening", { token: carol.token })).body).toMatchObject({ id: res.body.id, following: true });
    // Following is the viewer's: someone else, or nobody, sees it unfollowed.
    expect((await call("GET", "/api/v1/tags/gardening", { token: bob.token })).body.following).toBe(false);
    expect((await call("GET", "/api/v1/tags/gardening")).body.following).toBe(false);
  });

  it("lists followed tags newest first, a page at a time with a Link header", async () => {
    await call("POST", "/api/v1/tags/kith/follow", { token: carol.token });
    await call("POST", "/api/v1/tags/fediverse/follow", { token: carol.token });
    const all = await followed();
    expect(all.status).toBe(200);
    expect(all.body.map((t: any) => [t.name, t.following])).toEqual([["fediverse", true], ["kith", true], ["gardening", true]]);
    const first = await followed(carol, "?limit=2");
    expect(first.body.map((t: any) => t.name)).toEqual(["fediverse", "kith"]);
    const next = /<([^>]+)>; rel="next"/.exec(String(first.headers.link))![1]!;
    const second = await call("GET", new URL(next).pathname + new URL(next).search, { token: carol.token });
    expect(second.body.map((t: any) => t.name)).toEqual(["gardening"]);
    expect((await followed(bob)).body).toEqual([]);
  });

  it("unfollowing says not following and leaves the list; unfollowing again is harmless", async () => {
    const res = await call("POST", "/api/v1/tags/Gardening/unfollow", { token: carol.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: "gardening", following: false });
    expect((await call("POST", "/api/v1/tags/gardening/unfollow", { token: carol.token })).body.following).toBe(false);
    expect((await call("POST", "/api/v1/tags/nevertagged/unfollow", { token: carol.token })).body).toMatchObject({ id: "", name: "nevertagged", following: false });
    expect((await followed()).body.map((t: any) => t.name)).toEqual(["fediverse", "kith"]);
  });

  it("404 for names that cannot be hashtags, 403 without the scope, 401 without a token; nothing changes", async () => {
    for (const name of ["no-dash", "1234", "a%20b"]) {
      expect((await call("POST", `/api/v1/tags/${name}/follow`, { token: carol.token })).status).toBe(404);
      expect((await call("GET", `/api/v1/tags/${name}`, { token: carol.token })).status).toBe(404);
    }
    expect((await call("POST", "/api/v1/tags/gardening/follow", { token: carol.narrow })).status).toBe(403);
    expect((await call("POST", "/api/v1/tags/kith/unfollow", { token: carol.narrow })).status).toBe(403);
    expect((await call("POST", "/api/v1/tags/gardening/follow")).status).toBe(401);
    expect((await followed(bob, "?limit=0")).status).toBe(200);
    expect((await call("GET", "/api/v1/followed_tags")).status).toBe(401);
    const noScope = await kith.core.tokens.issue(carol.account.id, ["read:statuses"]);
    expect((await call("GET", "/api/v1/followed_tags", { token: noScope })).status).toBe(403);
    // The narrow token may read the list, and it is unchanged.
    expect((await followed({ ...carol, token: carol.narrow })).body.map((t: any) => t.name)).toEqual(["fediverse", "kith"]);
  });
});

describe("posts with a followed tag in the home timeline", () => {
  it("public local posts with the tag arrive; unlisted, private, direct, untagged posts and reblogs do not", async () => {
    const tagged = await post(bob, "hello #Kith friends");
    const other = await post(bob, "hello #elsewhere");
    const unlisted = await post(bob, "quiet #kith", { visibility: "unlisted" });
    const priv = await post(bob, "followers only #kith", { visibility: "private" });
    const direct = await post(bob, "@carol secret #kith", { visibility: "direct" });
    const dave = await localUser(kith, "dave");
    const reblog = (await call("POST", `/api/v1/statuses/${tagged}/reblog`, { token: dave.token })).body.id;
    await kith.core.timelines.fanout(BigInt(reblog));
    const home = await homeIds();
    expect(home).toContain(tagged);
    expect(home).not.toContain(other);
    expect(home).not.toContain(unlisted);
    expect(home).not.toContain(priv);
    expect(home).not.toContain(reblog);
    // A direct message to carol reaches her as a mention, not through the tag.
    expect(home).toContain(direct);
    // Bob, who follows no tag, is unaffected; an unfollowed tag brings nothing more.
    await call("POST", "/api/v1/tags/kith/unfollow", { token: carol.token });
    const later = await post(bob, "after unfollowing #kith");
    expect(await homeIds()).not.toContain(later);
    await call("POST", "/api/v1/tags/kith/follow", { token: carol.token });
  });

  it("posts by accounts the follower blocks or mutes, or that block the follower, stay out", async () => {
    const blocked = await localUser(kith, "blockee");
    const muted = await localUser(kith, "mutee");
    const blocker = await localUser(kith, "blocker");
    await call("POST", `/api/v1/accounts/${blocked.id}/block`, { token: carol.token });
    await call("POST", `/api/v1/accounts/${muted.id}/mute`, { token: carol.token });
    await call("POST", `/api/v1/accounts/${carol.id}/block`, { token: blocker.token });
    const fromBlocked = await post(blocked, "#kith from someone blocked");
    const fromMuted = await post(muted, "#kith from someone muted");
    const fromBlocker = await post(blocker, "#kith from someone who blocks carol");
    const mentioningMuted = await post(bob, `#kith with @${muted.account.username}`);
    const fine = await post(bob, "#kith and all is well");
    const ids = await homeIds();
    expect(ids).toContain(fine);
    for (const hidden of [fromBlocked, fromMuted, fromBlocker, mentioningMuted]) expect(ids).not.toContain(hidden);
    // They were never put in her feed: lifting the blocks and the mute does not bring them back.
    await call("POST", `/api/v1/accounts/${blocked.id}/unblock`, { token: carol.token });
    await call("POST", `/api/v1/accounts/${muted.id}/unmute`, { token: carol.token });
    await call("POST", `/api/v1/accounts/${carol.id}/unblock`, { token: blocker.token });
    const after = await homeIds();
    for (const hidden of [fromBlocked, fromMuted, fromBlocker, mentioningMuted]) expect(after).not.toContain(hidden);
    const unmuted = await post(muted, "#kith once unmuted");
    expect(await homeIds()).toContain(unmuted);
  });

  it("a remote public post with the tag, arriving at the inbox, reaches the follower's home", async () => {
    const note = R.note(ruth, { content: "<p>from afar <a href='x'>#Fediverse</a></p>", hashtags: ["Fediverse"] });
    const unlisted = R.note(ruth, { content: "<p>quietly #fediverse</p>", hashtags: ["fediverse"], visibility: "unlisted" });
    expect((await R.deliver(`${kith.core.urls.origin}/inbox`, R.create(ruth, unlisted))).status).toBe(202);
    expect((await R.deliver(`${kith.core.urls.origin}/inbox`, R.create(ruth, note))).status).toBe(202);
    const stored = await waitFor(() => kith.core.statuses.findByUri(note.id), "ruth's post to be stored");
    const storedUnlisted = await waitFor(() => kith.core.statuses.findByUri(unlisted.id), "ruth's unlisted post to be stored");
    await waitFor(async () => (await homeIds()).includes(String(stored.id)), "ruth's post in carol's home");
    // Fan-out is idempotent: running it here finishes the unlisted one's before looking.
    await kith.core.timelines.fanout(storedUnlisted.id);
    expect(await homeIds()).not.toContain(String(storedUnlisted.id));
  });

  it("a remote post from a domain the follower blocks stays out", async () => {
    const stranger = await remoteUser(kith, "stranger", "blocked.example");
    expect((await call("POST", "/api/v1/domain_blocks", { token: carol.token, body: { domain: "blocked.example" } })).status).toBe(200);
    const status = await remotePost(kith, stranger, "#kith from a blocked domain", { tags: ["kith"] });
    await kith.core.timelines.fanout(status.id);
    const home = await kith.core.timelines.home(carol.account.id, { limit: 40 });
    expect(home.map((s) => s.id)).not.toContain(status.id);
    // Not even in the stored feed (read-time hiding aside).
    await call("DELETE", "/api/v1/domain_blocks", { token: carol.token, body: { domain: "blocked.example" } });
    expect((await homeIds()).includes(String(status.id))).toBe(false);
  });
});
