import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KithInstance, type TestAccount } from "./helpers/instance.ts";
import { waitFor } from "./helpers/wait.ts";

// Two real Kith instances on loopback ports, talking ActivityPub to each
// other; everything is observed through the Mastodon client API.

let A: KithInstance;
let B: KithInstance;
let alice: TestAccount; // @A
let bob: TestAccount; // @B
let carol: TestAccount; // @B, a second follower of alice on the same server
let dave: TestAccount; // @B, locked
let bobOnA: string; // bob's account id as A knows him
let aliceOnB: string;

const home = async (i: KithInstance, who: TestAccount) => (await i.api(who.token, "GET", "/api/v1/timelines/home?limit=40")).body as any[];
const notifications = async (i: KithInstance, who: TestAccount, type: string) =>
  ((await i.api(who.token, "GET", `/api/v1/notifications?types[]=${type}`)).body as any[]).filter((n) => n.type === type);
const findByUri = (list: any[], uri: string) => list.find((s) => s.uri === uri || s.reblog?.uri === uri);

beforeAll(async () => {
  [A, B] = await Promise.all([KithInstance.create("fed_a"), KithInstance.create("fed_b")]);
  await Promise.all([A.start(), B.start()]);
  [alice, bob, carol, dave] = await Promise.all([
    A.createAccount("alice"),
    B.createAccount("bob"),
    B.createAccount("carol"),
    B.createAccount("dave", { locked: true }),
  ]);
  bobOnA = await A.resolve(alice.token, bob.acct);
  aliceOnB = await B.resolve(bob.token, alice.acct);
}, 120_000);

afterAll(async () => {
  await Promise.all([A?.destroy(), B?.destroy()]);
});

describe("two Kith instances", () => {
  it("alice and bob follow each other across instances", async () => {
    const follow = await B.api(bob.token, "POST", `/api/v1/accounts/${aliceOnB}/follow`);
    expect(follow.status).toBe(200);
    expect(follow.body.requested || follow.body.following).toBe(true);
    await A.api(alice.token, "POST", `/api/v1/accounts/${bobOnA}/follow`);
    const carolSide = await B.resolve(carol.token, alice.acct);
    await B.api(carol.token, "POST", `/api/v1/accounts/${carolSide}/follow`);

    await waitFor(async () => (await B.api(bob.token, "GET", `/api/v1/accounts/relationships?id[]=${aliceOnB}`)).body[0]?.following, "bob's follow to be accepted");
    await waitFor(async () => (await A.api(alice.token, "GET", `/api/v1/accounts/relationships?id[]=${bobOnA}`)).body[0]?.following, "alice's follow to be accepted");
    await waitFor(async () => (await A.api(alice.token, "GET", "/api/v1/accounts/verify_credentials")).body.followers_count === 2, "alice to have 2 followers");
    const rel = await A.api(alice.token, "GET", `/api/v1/accounts/relationships?id[]=${bobOnA}`);
    expect(rel.body[0]).toMatchObject({ following: true, followed_by: true });
    expect((await notifications(A, alice, "follow")).map((n) => n.account.acct)).toContain(bob.acct);
  });

  let post: any;
  let postOnB: any;
  it("a public post arrives in the follower's home timeline", async () => {
    const res = await A.api(alice.token, "POST", "/api/v1/statuses", { status: "Hello fediverse #kith https://example.com/x", visibility: "public" });
    expect(res.status).toBe(200);
    post = res.body;
    expect(post.content).toContain('class="mention hashtag"');
    postOnB = await waitFor(async () => findByUri(await home(B, bob), post.uri), "alice's post on B");
    expect(postOnB.account.acct).toBe(alice.acct);
    expect(postOnB.content).toContain("Hello fediverse");
    expect(postOnB.tags.map((t: any) => t.name)).toContain("kith");
    expect(postOnB.visibility).toBe("public");
  });

  let reply: any;
  it("a reply with a mention threads on both sides and notifies", async () => {
    const res = await B.api(bob.token, "POST", "/api/v1/statuses", { status: `@${alice.acct} nice to meet you`, in_reply_to_id: postOnB.id });
    expect(res.status).toBe(200);
    reply = res.body;
    expect(reply.mentions.map((m: any) => m.acct)).toContain(alice.acct);
    const mention = await waitFor(async () => (await notifications(A, alice, "mention")).find((n) => n.status?.uri === reply.uri), "mention notification on A");
    expect(mention.status.in_reply_to_id).toBe(post.id);
    expect(mention.account.acct).toBe(bob.acct);
    const ctx = await A.api(alice.token, "GET", `/api/v1/statuses/${post.id}/context`);
    expect(ctx.body.descendants.map((s: any) => s.uri)).toContain(reply.uri);
  });

  it("a like travels and notifies the author", async () => {
    const replyOnA = await waitFor(async () => findByUri(await home(A, alice), reply.uri), "bob's reply in alice's home");
    const fav = await A.api(alice.token, "POST", `/api/v1/statuses/${replyOnA.id}/favourite`);
    expect(fav.body.favourited).toBe(true);
    await waitFor(async () => (await notifications(B, bob, "favourite")).find((n) => n.status?.uri === reply.uri), "favourite notification on B");
    const onB = await B.api(bob.token, "GET", `/api/v1/statuses/${reply.id}`);
    expect(onB.body.favourites_count).toBe(1);
  });

  it("a boost travels and notifies the author", async () => {
    const boost = await B.api(bob.token, "POST", `/api/v1/statuses/${postOnB.id}/reblog`);
    expect(boost.status).toBe(200);
    expect(boost.body.reblog.uri).toBe(post.uri);
    await waitFor(async () => (await notifications(A, alice, "reblog")).find((n) => n.status?.uri === post.uri), "reblog notification on A");
    await waitFor(async () => (await A.api(alice.token, "GET", `/api/v1/statuses/${post.id}`)).body.reblogs_count === 1, "reblogs_count on A");
  });

  it("an edit reaches the follower", async () => {
    const edit = await A.api(alice.token, "PUT", `/api/v1/statuses/${post.id}`, { status: "Hello fediverse, edited" });
    expect(edit.status).toBe(200);
    expect(edit.body.edited_at).not.toBeNull();
    await waitFor(async () => {
      const s = (await B.api(bob.token, "GET", `/api/v1/statuses/${postOnB.id}`)).body;
      return s.content.includes("edited") && s.edited_at;
    }, "the edit on B");
  });

  it("a delete removes the post on the other side", async () => {
    const del = await A.api(alice.token, "DELETE", `/api/v1/statuses/${post.id}`);
    expect(del.status).toBe(200);
    expect(del.body.text).toBe("Hello fediverse, edited");
    await waitFor(async () => (await B.api(bob.token, "GET", `/api/v1/statuses/${postOnB.id}`)).status === 404, "the post to be gone on B");
    expect(findByUri(await home(B, bob), post.uri)).toBeUndefined();
  });

  it("unfollow stops delivery", async () => {
    const res = await B.api(bob.token, "POST", `/api/v1/accounts/${aliceOnB}/unfollow`);
    expect(res.body.following).toBe(false);
    await waitFor(async () => (await A.api(alice.token, "GET", "/api/v1/accounts/verify_credentials")).body.followers_count === 1, "alice to lose bob as follower");
    const later = (await A.api(alice.token, "POST", "/api/v1/statuses", { status: "only carol should see this" })).body;
    // carol, on the same server, still follows: once it reaches her, B has processed it.
    await waitFor(async () => findByUri(await home(B, carol), later.uri), "the post in carol's home");
    expect(findByUri(await home(B, bob), later.uri)).toBeUndefined();
  });

  it("a locked account's follower sees followers-only posts only after approval", async () => {
    const daveOnA = await A.resolve(alice.token, dave.acct);
    const follow = await A.api(alice.token, "POST", `/api/v1/accounts/${daveOnA}/follow`);
    expect(follow.body.requested).toBe(true);
    const request = await waitFor(async () => (await B.api(dave.token, "GET", "/api/v1/follow_requests")).body.find((a: any) => a.acct === alice.acct), "the follow request on B");

    const before = (await B.api(dave.token, "POST", "/api/v1/statuses", { status: "for followers, before", visibility: "private" })).body;
    const control = (await B.api(dave.token, "POST", "/api/v1/statuses", { status: "public control", visibility: "public" })).body;
    expect(before.visibility).toBe("private");
    // Nothing is delivered to a pending follower; a public post is not pushed either, so check A's view via the API.
    await new Promise((r) => setTimeout(r, 1000));
    expect(findByUri(await home(A, alice), before.uri)).toBeUndefined();
    void control;

    const ok = await B.api(dave.token, "POST", `/api/v1/follow_requests/${request.id}/authorize`);
    expect(ok.body.followed_by).toBe(true);
    await waitFor(async () => (await A.api(alice.token, "GET", `/api/v1/accounts/relationships?id[]=${daveOnA}`)).body[0]?.following, "alice's follow of dave to be accepted");
    const after = (await B.api(dave.token, "POST", "/api/v1/statuses", { status: "for followers, after", visibility: "private" })).body;
    const arrived = await waitFor(async () => findByUri(await home(A, alice), after.uri), "the followers-only post on A");
    expect(arrived.visibility).toBe("private");
    expect(findByUri(await home(A, alice), before.uri)).toBeUndefined();
  });
});

describe("two Kith instances: undoing and profiles", () => {
  it("undo of a like and of a boost travels", async () => {
    const post = (await A.api(alice.token, "POST", "/api/v1/statuses", { status: "undo me" })).body;
    const onB = await waitFor(async () => findByUri(await home(B, carol), post.uri), "the post on B");
    await B.api(carol.token, "POST", `/api/v1/statuses/${onB.id}/favourite`);
    await B.api(carol.token, "POST", `/api/v1/statuses/${onB.id}/reblog`);
    await waitFor(async () => {
      const s = (await A.api(alice.token, "GET", `/api/v1/statuses/${post.id}`)).body;
      return s.favourites_count === 1 && s.reblogs_count === 1;
    }, "like and boost counted on A");
    await B.api(carol.token, "POST", `/api/v1/statuses/${onB.id}/unfavourite`);
    await B.api(carol.token, "POST", `/api/v1/statuses/${onB.id}/unreblog`);
    await waitFor(async () => {
      const s = (await A.api(alice.token, "GET", `/api/v1/statuses/${post.id}`)).body;
      return s.favourites_count === 0 && s.reblogs_count === 0;
    }, "like and boost undone on A");
  });

  it("a profile update reaches followers, with its HTML sanitised", async () => {
    const res = await A.api(alice.token, "PATCH", "/api/v1/accounts/update_credentials", { display_name: "Alice A.", note: "I <script>x</script> like #tea" });
    expect(res.status).toBe(200);
    expect(res.body.display_name).toBe("Alice A.");
    const carolSide = await B.resolve(carol.token, alice.acct);
    const seen = await waitFor(async () => {
      const a = (await B.api(carol.token, "GET", `/api/v1/accounts/${carolSide}`)).body;
      return a.display_name === "Alice A." && a;
    }, "the new display name on B");
    expect(seen.note).toContain("like");
    expect(seen.note).not.toContain("<script");
  });

  it("a block travels: the blocked follower is removed and cannot follow again", async () => {
    const carolOnA = await A.resolve(alice.token, carol.acct);
    const block = await A.api(alice.token, "POST", `/api/v1/accounts/${carolOnA}/block`);
    expect(block.body.blocking).toBe(true);
    const aliceOnCarol = await B.resolve(carol.token, alice.acct);
    await waitFor(async () => (await B.api(carol.token, "GET", `/api/v1/accounts/relationships?id[]=${aliceOnCarol}`)).body[0]?.following === false, "carol's follow to end on B");
    await waitFor(async () => (await A.api(alice.token, "GET", "/api/v1/accounts/verify_credentials")).body.followers_count === 0, "alice to have no followers left");
    const unblock = await A.api(alice.token, "POST", `/api/v1/accounts/${carolOnA}/unblock`);
    expect(unblock.body.blocking).toBe(false);
  });
});
