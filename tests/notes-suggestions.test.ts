import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientOf, localUser, remoteUser, type Call, type LocalUser } from "./helpers/timeline-client.ts";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";

// Private notes on accounts (Relationship.note) and follow suggestions:
// discoverable local accounts the user does not follow, the most followed
// first, without blocked, muted or dismissed ones.

let kith: InProcess;
let call: Call;
let alice: LocalUser;
let bob: LocalUser;

const relationship = async (who: LocalUser, id: string) => (await call("GET", `/api/v1/accounts/relationships?id[]=${id}`, { token: who.token })).body[0];

beforeAll(async () => {
  kith = await startInProcess("notes_suggestions");
  call = clientOf(kith);
  alice = await localUser(kith, "alice", ["read"]);
  bob = await localUser(kith, "bob");
}, 60_000);

afterAll(async () => kith?.destroy());

describe("account notes", () => {
  it("sets a note, shown as `note` in relationships to its writer only; setting again replaces it", async () => {
    const res = await call("POST", `/api/v1/accounts/${bob.id}/note`, { token: alice.token, body: { comment: "Met at the café 🙂" } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: bob.id, note: "Met at the café 🙂", following: false, domain_blocking: false });
    expect(await relationship(alice, bob.id)).toMatchObject({ note: "Met at the café 🙂" });
    expect(await relationship(bob, alice.id)).toMatchObject({ note: "" });
    const form = await call("POST", `/api/v1/accounts/${bob.id}/note`, { token: alice.token, form: "comment=Likes+gardening" });
    expect(form.body.note).toBe("Likes gardening");
  });

  it("a blank or missing comment removes the note", async () => {
    expect((await call("POST", `/api/v1/accounts/${bob.id}/note`, { token: alice.token, body: { comment: "  " } })).body.note).toBe("");
    await call("POST", `/api/v1/accounts/${bob.id}/note`, { token: alice.token, body: { comment: "back again" } });
    expect((await call("POST", `/api/v1/accounts/${bob.id}/note`, { token: alice.token })).body.note).toBe("");
    expect((await relationship(alice, bob.id)).note).toBe("");
  });

  it("404 for unknown accounts, 422 for a note too long or not text, 403 without write:accounts, 401 without a token; the note is unchanged", async () => {
    await call("POST", `/api/v1/accounts/${bob.id}/note`, { token: alice.token, body: { comment: "kept" } });
    expect((await call("POST", "/api/v1/accounts/999999/note", { token: alice.token, body: { comment: "x" } })).status).toBe(404);
    expect((await call("POST", "/api/v1/accounts/nope/note", { token: alice.token, body: { comment: "x" } })).status).toBe(404);
    const long = await call("POST", `/api/v1/accounts/${bob.id}/note`, { token: alice.token, body: { comment: "x".repeat(2001) } });
    expect(long.status).toBe(422);
    expect(long.body.error).toMatch(/Comment is too long \(maximum is 2000 characters\)/);
    expect((await call("POST", `/api/v1/accounts/${bob.id}/note`, { token: alice.token, body: { comment: "x".repeat(2000) } })).status).toBe(200);
    await call("POST", `/api/v1/accounts/${bob.id}/note`, { token: alice.token, body: { comment: "kept" } });
    expect((await call("POST", `/api/v1/accounts/${bob.id}/note`, { token: alice.token, body: { comment: ["a", "b"] } })).status).toBe(422);
    expect((await call("POST", `/api/v1/accounts/${bob.id}/note`, { token: alice.narrow, body: { comment: "x" } })).status).toBe(403);
    expect((await call("POST", `/api/v1/accounts/${bob.id}/note`, { body: { comment: "x" } })).status).toBe(401);
    expect((await relationship(alice, bob.id)).note).toBe("kept");
  });
});

describe("follow suggestions", () => {
  let popular: LocalUser;
  let quiet: LocalUser;
  let hidden: LocalUser;
  let blocked: LocalUser;
  let muted: LocalUser;
  let followed: LocalUser;

  const v2 = async (who = alice, query = "") => call("GET", `/api/v2/suggestions${query}`, { token: who.token });
  const suggestedIds = async (who = alice) => ((await v2(who)).body as any[]).map((s) => s.account.id);

  beforeAll(async () => {
    popular = await localUser(kith, "popular");
    quiet = await localUser(kith, "quiet");
    hidden = await localUser(kith, "hidden");
    blocked = await localUser(kith, "blocked");
    muted = await localUser(kith, "muted");
    followed = await localUser(kith, "followed");
    await call("PATCH", "/api/v1/accounts/update_credentials", { token: hidden.token, body: { discoverable: false } });
    for (const fan of [bob, quiet, hidden]) await kith.core.follows.follow(fan.account.id, popular.account.id);
    await kith.core.follows.follow(bob.account.id, quiet.account.id);
    await kith.core.follows.follow(alice.account.id, followed.account.id);
    await call("POST", `/api/v1/accounts/${blocked.id}/block`, { token: alice.token });
    await call("POST", `/api/v1/accounts/${muted.id}/mute`, { token: alice.token });
    await remoteUser(kith, "faraway", "remote.example");
  });

  it("v2: discoverable local accounts not followed, most followed first, with Mastodon 4.3's sources", async () => {
    const res = await v2();
    expect(res.status).toBe(200);
    expect(res.body[0]).toEqual({ source: "global", sources: ["most_followed"], account: expect.objectContaining({ id: popular.id, acct: "popular", followers_count: 3 }) });
    expect(res.body[1].account.id).toBe(quiet.id);
    const ids = res.body.map((s: any) => s.account.id);
    expect(ids).toContain(bob.id);
    for (const not of [alice.id, hidden.id, blocked.id, muted.id, followed.id]) expect(ids).not.toContain(not);
    expect(res.body.every((s: any) => !s.account.acct.includes("@"))).toBe(true);
    // Nor the instance actor, which is local but nobody's account.
    expect(ids).not.toContain(String((await kith.core.accounts.ensureInstanceActor()).id));
  });

  it("an account that blocks the user is not suggested to them", async () => {
    expect(await suggestedIds(blocked)).not.toContain(alice.id);
    expect(await suggestedIds(bob)).toContain(alice.id);
  });

  it("v1 lists the accounts alone; limit is honoured", async () => {
    const res = await call("GET", "/api/v1/suggestions?limit=2", { token: alice.token });
    expect(res.status).toBe(200);
    expect(res.body.map((a: any) => a.id)).toEqual([popular.id, quiet.id]);
    expect(res.body[0]).toMatchObject({ username: "popular", display_name: expect.any(String) });
    expect((await v2(alice, "?limit=1")).body).toHaveLength(1);
  });

  it("a dismissed account is not suggested again; dismissing twice is fine", async () => {
    expect((await call("DELETE", `/api/v1/suggestions/${popular.id}`, { token: alice.token })).body).toEqual({});
    expect((await call("DELETE", `/api/v1/suggestions/${popular.id}`, { token: alice.token })).status).toBe(200);
    expect(await suggestedIds()).not.toContain(popular.id);
    expect((await suggestedIds())[0]).toBe(quiet.id);
    // Only for the one who dismissed it.
    expect(await suggestedIds(followed)).toContain(popular.id);
  });

  it("404 for unknown accounts, any limit read as Mastodon reads it, 403 without read:accounts / write:accounts, 401 without a token; nothing is dismissed", async () => {
    expect((await call("DELETE", "/api/v1/suggestions/999999", { token: alice.token })).status).toBe(404);
    expect((await call("DELETE", "/api/v1/suggestions/nope", { token: alice.token })).status).toBe(404);
    expect((await v2(alice, "?limit=0")).status).toBe(200);
    expect((await v2(alice, "?limit=lots")).status).toBe(200);
    const writeOnly = await kith.core.tokens.issue(alice.account.id, ["write"]);
    expect((await call("GET", "/api/v2/suggestions", { token: writeOnly })).status).toBe(403);
    expect((await call("GET", "/api/v1/suggestions", { token: writeOnly })).status).toBe(403);
    const readOnly = await kith.core.tokens.issue(alice.account.id, ["read"]);
    expect((await call("DELETE", `/api/v1/suggestions/${quiet.id}`, { token: readOnly })).status).toBe(403);
    const accountsOnly = await kith.core.tokens.issue(alice.account.id, ["read:accounts"]);
    expect((await call("GET", "/api/v2/suggestions", { token: accountsOnly })).status).toBe(200);
    expect((await call("GET", "/api/v2/suggestions")).status).toBe(401);
    expect((await suggestedIds())[0]).toBe(quiet.id);
  });
});
