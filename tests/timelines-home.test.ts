import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientOf, localUser, poster, remotePost, remoteUser, type Call } from "./helpers/timeline-client.ts";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";

// Home, public and hashtag timelines, favourites, trends and tags: what each
// shows, what mutes and blocks hide, and the refusals that change nothing.

let kith: InProcess;
let call: Call;
let post: ReturnType<typeof poster>;
let alice: Awaited<ReturnType<typeof localUser>>;
let bob: Awaited<ReturnType<typeof localUser>>;
let carol: Awaited<ReturnType<typeof localUser>>;
let remote: Awaited<ReturnType<typeof remoteUser>>;

const ids = (body: any[]) => body.map((s) => s.id);
const home = async (who = alice) => ids((await call("GET", "/api/v1/timelines/home?limit=40", { token: who.token })).body);


beforeAll(async () => {
  kith = await startInProcess("timelines_home");
  call = clientOf(kith);
  post = poster(kith, call);
  alice = await localUser(kith, "alice", ["write"]);
  bob = await localUser(kith, "bob");
  carol = await localUser(kith, "carol");
  remote = await remoteUser(kith, "rita");
  await kith.core.follows.follow(alice.account.id, bob.account.id);
  await kith.core.follows.follow(alice.account.id, carol.account.id);
}, 60_000);

afterAll(async () => kith?.destroy());

describe("home", () => {
  it("shows followed accounts' posts, newest first, and needs read:statuses", async () => {
    const first = await post(bob, "one");
    const second = await post(carol, "two");
    expect((await home()).slice(0, 2)).toEqual([second, first]);
    expect((await call("GET", "/api/v1/timelines/home", { token: alice.narrow })).status).toBe(403);
    expect((await call("GET", "/api/v1/timelines/home")).status).toBe(401);
    expect((await call("GET", "/api/v1/timelines/home?limit=-1", { token: alice.token })).status).toBe(400);
    expect((await call("GET", "/api/v1/timelines/home?max_id=abc", { token: alice.token })).status).toBe(422);
  });

  it("hides muted accounts, their reblogs, and comes back after unmute", async () => {
    const bobPost = await post(bob, "muted soon");
    const carolPost = await post(carol, "reblog me");
    const reblog = await call("POST", `/api/v1/statuses/${carolPost}/reblog`, { token: bob.token });
    await kith.core.timelines.fanout(BigInt(reblog.body.id));
    expect(await home()).toEqual(expect.arrayContaining([bobPost, reblog.body.id]));

    const muted = await call("POST", `/api/v1/accounts/${bob.id}/mute`, { token: alice.token });
    expect(muted.body).toMatchObject({ id: bob.id, muting: true, muting_notifications: true });
    expect(await home()).not.toContain(bobPost);
    expect(await home()).not.toContain(reblog.body.id);
    expect(await home()).toContain(carolPost);

    await call("POST", `/api/v1/accounts/${bob.id}/unmute`, { token: alice.token });
    expect(await home()).toContain(bobPost);
  });

  it("a reblog of a muted account's post is hidden too", async () => {
    const carolPost = await post(carol, "carol original");
    const reblog = await call("POST", `/api/v1/statuses/${carolPost}/reblog`, { token: bob.token });
    await kith.core.timelines.fanout(BigInt(reblog.body.id));
    await call("POST", `/api/v1/accounts/${carol.id}/mute`, { token: alice.token });
    const timeline = await home();
    expect(timeline).not.toContain(carolPost);
    expect(timeline).not.toContain(reblog.body.id);
    await call("POST", `/api/v1/accounts/${carol.id}/unmute`, { token: alice.token });
  });

  it("a follow with reblogs=false keeps that account's reblogs out of home", async () => {
    const rel = await call("POST", `/api/v1/accounts/${bob.id}/follow`, { token: alice.token, body: { reblogs: false } });
    expect(rel.body).toMatchObject({ following: true, showing_reblogs: false });
    const carolPost = await post(carol, "boost this");
    const reblog = await call("POST", `/api/v1/statuses/${carolPost}/reblog`, { token: bob.token });
    await kith.core.timelines.fanout(BigInt(reblog.body.id));
    expect(await home()).not.toContain(reblog.body.id);
    await call("POST", `/api/v1/accounts/${bob.id}/follow`, { token: alice.token, form: "reblogs=true" });
  });
});

describe("public and hashtag timelines", () => {
  let localPost: string;
  let remoteText: string;
  let remoteMedia: string;

  beforeAll(async () => {
    localPost = await post(bob, "local #Cats and #dogs");
    remoteText = String((await remotePost(kith, remote, "remote cats", { tags: ["cats"] })).id);
    remoteMedia = String((await remotePost(kith, remote, "remote picture", { tags: ["cats", "birds"], withImage: true })).id);
    await post(bob, "unlisted #cats", { visibility: "unlisted" });
  });

  it("local, remote and only_media narrow the public timeline", async () => {
    const all = ids((await call("GET", "/api/v1/timelines/public?limit=40")).body);
    expect(all).toEqual(expect.arrayContaining([localPost, remoteText, remoteMedia]));
    const local = ids((await call("GET", "/api/v1/timelines/public?local=true&limit=40")).body);
    expect(local).toContain(localPost);
    expect(local).not.toContain(remoteText);
    const remoteOnly = ids((await call("GET", "/api/v1/timelines/public?remote=true")).body);
    expect(remoteOnly).toEqual([remoteMedia, remoteText]);
    expect(ids((await call("GET", "/api/v1/timelines/public?only_media=true")).body)).toEqual([remoteMedia]);
    expect((await call("GET", "/api/v1/timelines/public?local[]=perhaps")).status).toBe(422);
  });

  it("a viewer's mutes and blocks also apply to the public timeline", async () => {
    await call("POST", `/api/v1/accounts/${remote.id}/mute`, { token: alice.token });
    const seen = ids((await call("GET", "/api/v1/timelines/public?limit=40", { token: alice.token })).body);
    expect(seen).toContain(localPost);
    expect(seen).not.toContain(remoteText);
    await call("POST", `/api/v1/accounts/${remote.id}/unmute`, { token: alice.token });
  });

  it("the hashtag timeline takes any[], all[] and none[], case-insensitively, public posts only", async () => {
    expect(ids((await call("GET", "/api/v1/timelines/tag/cats")).body)).toEqual([remoteMedia, remoteText, localPost]);
    expect(ids((await call("GET", "/api/v1/timelines/tag/CATS?local=true")).body)).toEqual([localPost]);
    expect(ids((await call("GET", "/api/v1/timelines/tag/cats?all[]=birds")).body)).toEqual([remoteMedia]);
    expect(ids((await call("GET", "/api/v1/timelines/tag/cats?none[]=dogs&none[]=birds")).body)).toEqual([remoteText]);
    expect(ids((await call("GET", "/api/v1/timelines/tag/birds?any[]=dogs")).body)).toEqual([localPost, remoteMedia].sort().reverse());
    expect(ids((await call("GET", "/api/v1/timelines/tag/cats?only_media=true")).body)).toEqual([remoteMedia]);
    expect((await call("GET", "/api/v1/timelines/tag/nothing_here")).body).toEqual([]);
  });

  it("404 for a hashtag name that cannot exist, 422 for bad any[]", async () => {
    expect((await call("GET", "/api/v1/timelines/tag/no%20spaces")).status).toBe(404);
    const bad = await call("GET", "/api/v1/timelines/tag/cats?any[]=not%20a%20tag");
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatch(/hashtag/);
  });

  it("GET /api/v1/tags/:name returns a Tag entity", async () => {
    const res = await call("GET", "/api/v1/tags/Cats");
    expect(res.body).toEqual({ id: expect.stringMatching(/^\d+$/), name: "cats", url: `${kith.core.urls.origin}/tags/cats`, history: [], following: false, featuring: false });
    expect((await call("GET", "/api/v1/tags/neverused")).body).toMatchObject({ id: "", name: "neverused", history: [] });
    expect((await call("GET", "/api/v1/tags/bad%20name")).status).toBe(404);
  });
});

describe("favourites, trends", () => {
  it("lists favourites newest favourite first, paged by favourite id", async () => {
    const a = await post(bob, "fav a");
    const b = await post(carol, "fav b");
    // Favourited in the other order than posted: the favourite's id decides.
    await call("POST", `/api/v1/statuses/${b}/favourite`, { token: alice.token });
    await call("POST", `/api/v1/statuses/${a}/favourite`, { token: alice.token });
    const page = await call("GET", "/api/v1/favourites?limit=1", { token: alice.token });
    expect(ids(page.body)).toEqual([a]);
    const next = /<([^>]+)>; rel="next"/.exec(String(page.headers.link))![1]!;
    const maxId = new URL(next).searchParams.get("max_id")!;
    expect(maxId).not.toBe(a);
    const second = await call("GET", `/api/v1/favourites?limit=1&max_id=${maxId}`, { token: alice.token });
    expect(ids(second.body)).toEqual([b]);
    expect((await call("GET", "/api/v1/favourites", { token: alice.narrow })).status).toBe(403);
  });

  it("trends are empty lists", async () => {
    for (const path of ["/api/v1/trends", "/api/v1/trends/tags", "/api/v1/trends/statuses", "/api/v1/trends/links"]) {
      const res = await call("GET", path);
      expect(res.status).toBe(200);
      expect(res.body).toEqual([]);
    }
    expect((await call("GET", "/api/v1/trends/statuses?limit=-1")).status).toBe(200);
  });
});
