import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { operator } from "./helpers/client-lib.ts";
import { KithInstance, type TestAccount } from "./helpers/instance.ts";
import { waitFor } from "./helpers/wait.ts";

// Three real Kith instances: alice moves from A to B. carol (on C), dave (on
// B) and erin (on A) followed alice@A; after the move each follows alice@B,
// with a `move` notification, carol keeps her list and her notify setting,
// and frank's block on C carries over. A's actor points at B, alice@A is
// frozen, and a second move inside the cooldown is refused.

const PASSWORD = "a long moving password";

let A: KithInstance;
let B: KithInstance;
let C: KithInstance;
let alice: TestAccount; // @A, moving away
let aliceB: TestAccount; // @B, where she moves
let dave: TestAccount; // @B
let erin: TestAccount; // @A
let carol: TestAccount; // @C
let frank: TestAccount; // @C, blocks alice
let carolList: string;

const ids: Record<string, string> = {};
const id = (name: string) => ids[name]!;
const relationship = async (i: KithInstance, who: TestAccount, id: string) => (await i.api(who.token, "GET", `/api/v1/accounts/relationships?id[]=${id}`)).body[0];
const moveNotice = async (i: KithInstance, who: TestAccount) => ((await i.api(who.token, "GET", "/api/v1/notifications?types[]=move")).body as any[]).find((n) => n.type === "move");
const migrate = (body: Record<string, unknown>) => A.api(alice.token, "POST", "/api/v1/accounts/migration", body);

beforeAll(async () => {
  [A, B, C] = await Promise.all([KithInstance.create("move_a"), KithInstance.create("move_b"), KithInstance.create("move_c")]);
  await Promise.all([A.start(), B.start(), C.start()]);
  [alice, aliceB, dave, erin, carol, frank] = await Promise.all([
    A.createAccount("alice"),
    B.createAccount("alice"),
    B.createAccount("dave"),
    A.createAccount("erin"),
    C.createAccount("carol"),
    C.createAccount("frank"),
  ]);
  await operator(A, ["accounts", "password", "alice", "--password", PASSWORD]);
  ids.aliceOnB = await B.resolve(dave.token, alice.acct);
  ids.aliceOnC = await C.resolve(carol.token, alice.acct);
  ids.aliceBOnC = await C.resolve(carol.token, aliceB.acct);
  ids.aliceBOnA = await A.resolve(erin.token, aliceB.acct);
  ids.aliceOnA = (await A.api(erin.token, "GET", `/api/v1/accounts/lookup?acct=alice`)).body.id;

  for (const [i, who, id] of [[B, dave, ids.aliceOnB], [C, carol, ids.aliceOnC], [A, erin, ids.aliceOnA]] as const) {
    expect((await i.api(who.token, "POST", `/api/v1/accounts/${id}/follow`, { notify: who === carol })).status).toBe(200);
    await waitFor(async () => (await relationship(i, who, id!))?.following, `${who.acct}'s follow of alice@A`);
  }
  carolList = (await C.api(carol.token, "POST", "/api/v1/lists", { title: "Friends" })).body.id;
  expect((await C.api(carol.token, "POST", `/api/v1/lists/${carolList}/accounts`, { account_ids: [ids.aliceOnC] })).status).toBe(200);
  expect((await C.api(frank.token, "POST", `/api/v1/accounts/${ids.aliceOnC}/block`)).status).toBe(200);
  await waitFor(async () => (await A.api(alice.token, "GET", "/api/v1/accounts/verify_credentials")).body.followers_count === 3, "alice@A to have 3 followers");
}, 180_000);

afterAll(async () => {
  await Promise.all([A?.destroy(), B?.destroy(), C?.destroy()]);
});

describe("moving alice from A to B", { timeout: 120_000 }, () => {
  it("refuses a wrong password, and a target that does not name alice@A as an alias, changing nothing", async () => {
    const wrong = await migrate({ acct: aliceB.acct, password: "not the password" });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error).toMatch(/password/i);
    const unaliased = await migrate({ acct: aliceB.acct, password: PASSWORD });
    expect(unaliased.status).toBe(422);
    expect(unaliased.body.error).toContain(`${alice.acct.split("@")[0]}`);
    expect(unaliased.body.error).toMatch(/alias/);
    const nowhere = await migrate({ acct: `nobody@${B.host}`, password: PASSWORD });
    expect(nowhere.status).toBe(422);
    expect((await A.api(alice.token, "GET", "/api/v1/accounts/migration")).body).toEqual({ moved_to: null, moves: [] });
  });

  it("moves: A's actor names alice@B, and every follower on A, B and C follows alice@B with a move notification", async () => {
    const aliasAdded = await B.api(aliceB.token, "POST", "/api/v1/accounts/aliases", { acct: alice.acct });
    expect(aliasAdded.status).toBe(200);
    const started = await migrate({ acct: aliceB.acct, password: PASSWORD });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(started.body).toMatchObject({ direction: "out", origin: { acct: "alice" }, target: { acct: aliceB.acct } });

    const actor = await fetch(`${A.origin}/users/alice`, { headers: { accept: "application/activity+json" } }).then((r) => r.json());
    expect(actor.movedTo).toBe(`${B.origin}/users/alice`);
    expect((await A.api(erin.token, "GET", `/api/v1/accounts/${ids.aliceOnA}`)).body.moved).toMatchObject({ acct: aliceB.acct });
    // A browser asking for her old profile is sent on, for good, to the new one.
    const page = await fetch(`${A.origin}/@alice`, { headers: { accept: "text/html" }, redirect: "manual" });
    expect(page.status).toBe(301);
    expect(page.headers.get("location")).toBe(`${B.origin}/@alice`);

    for (const [i, who, newId, oldId] of [[B, dave, (await B.api(dave.token, "GET", "/api/v1/accounts/lookup?acct=alice")).body.id, ids.aliceOnB], [C, carol, ids.aliceBOnC, ids.aliceOnC], [A, erin, ids.aliceBOnA, ids.aliceOnA]] as const) {
      await waitFor(async () => (await relationship(i, who, newId))?.following, `${who.acct} to follow alice@B`, 30_000);
      await waitFor(async () => (await relationship(i, who, oldId!))?.following === false, `${who.acct} to stop following alice@A`, 30_000);
      const notice = await waitFor(() => moveNotice(i, who), `${who.acct}'s move notification`);
      expect(notice.account.moved).toMatchObject({ id: newId });
    }
    // carol keeps what her follow carried: the bell, and the list.
    expect(await relationship(C, carol, id("aliceBOnC"))).toMatchObject({ following: true, notifying: true });
    const members = (await C.api(carol.token, "GET", `/api/v1/lists/${carolList}/accounts`)).body as any[];
    expect(members.map((a) => a.id).sort()).toEqual([ids.aliceOnC, ids.aliceBOnC].sort());
    // frank blocked alice@A; he blocks alice@B too.
    await waitFor(async () => (await relationship(C, frank, id("aliceBOnC")))?.blocking, "frank's block to carry over");
    await waitFor(async () => (await B.api(aliceB.token, "GET", "/api/v1/accounts/verify_credentials")).body.followers_count === 3, "alice@B to have 3 followers");

    const status = (await A.api(alice.token, "GET", "/api/v1/accounts/migration")).body;
    expect(status.moved_to).toMatchObject({ acct: aliceB.acct });
    await waitFor(async () => (await A.api(alice.token, "GET", "/api/v1/accounts/migration")).body.moves[0]?.finished_at, "the move job to finish");
    expect((await A.api(alice.token, "GET", "/api/v1/accounts/migration")).body.moves[0].followers).toEqual({ moved: 1, failed: 0, pending: 0 });
    // On B, alice@B sees the move that brought her B followers over (dave), and how far it got.
    const arrived = await waitFor(async () => (await B.api(aliceB.token, "GET", "/api/v1/accounts/migration")).body.moves.find((m: any) => m.direction === "in" && m.finished_at), "the inbound move on B");
    expect(arrived).toMatchObject({ origin: { acct: alice.acct }, target: { acct: "alice" }, followers: { moved: 1, failed: 0, pending: 0 } });
  });

  it("alice@B's new posts reach carol on C", async () => {
    const post = (await B.api(aliceB.token, "POST", "/api/v1/statuses", { status: "Settled in on B", visibility: "public" })).body;
    await waitFor(async () => ((await C.api(carol.token, "GET", "/api/v1/timelines/home")).body as any[]).find((s) => s.uri === post.uri), "alice@B's post in carol's home");
  });

  it("freezes alice@A: no posts, no new followers", async () => {
    const posted = await A.api(alice.token, "POST", "/api/v1/statuses", { status: "still here?" });
    expect(posted.status).toBe(422);
    expect(posted.body.error).toContain("moved");
    const followed = await C.api(frank.token, "POST", `/api/v1/accounts/${ids.aliceOnC}/follow`);
    expect(followed.status).toBe(422);
    // Searching for her old account shows where she went, as Mastodon's `moved` does.
    const found = await C.api(carol.token, "GET", `/api/v2/search?q=${encodeURIComponent(alice.acct)}&resolve=true&type=accounts`);
    expect(found.body.accounts[0]).toMatchObject({ acct: alice.acct, moved: { acct: aliceB.acct } });
  });

  it("refuses a second move inside the cooldown with 429 naming the date", async () => {
    const again = await migrate({ acct: aliceB.acct, password: PASSWORD });
    expect(again.status).toBe(429);
    expect(again.body.error).toMatch(/can move again on \d{4}-\d{2}-\d{2}/);
  });
});
