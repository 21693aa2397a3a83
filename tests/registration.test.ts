import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";
import { authorize, call, clientToken, count, redirectParams, registerApp, sql, type App } from "./helpers/oauth-client.ts";

// Sign-up through POST /api/v1/accounts in each registration mode, invites,
// and Mastodon's 422 shape for bad input, with nothing stored on refusal.

let kith: InProcess;
let app: App;
let appToken: string;
let inviter: { id: bigint; token: string };
let n = 0;

const PASSWORD = "correct horse battery";
const fresh = () => `user${++n}`;
const signUp = (body: Record<string, unknown>, token: string | null = appToken) => call(kith, "POST", "/api/v1/accounts", { token, json: body });
const valid = (extra: Record<string, unknown> = {}) => ({ username: fresh(), password: PASSWORD, agreement: true, locale: "en", ...extra });
const mode = (registrationMode: "open" | "approval" | "invite" | "closed", more: Record<string, unknown> = {}) => kith.core.settings.update({ registrationMode, requireEmail: false, requireReason: true, ...more });
const accounts = () => count(kith, "Account", "domain is null");

beforeAll(async () => {
  kith = await startInProcess("registration");
  app = await registerApp(kith, "read write follow");
  appToken = await clientToken(kith, app, "read write follow");
  const account = await kith.core.accounts.createLocal("inviter");
  inviter = { id: account.id, token: await kith.core.tokens.issue(account.id) };
}, 60_000);

afterAll(async () => kith?.destroy());

beforeEach(() => mode("open"));

describe("open registrations", () => {
  it("creates an active account and returns a Token entity that works at once", async () => {
    const body = valid({ email: "New.Person@Mail.example", reason: "hi" });
    const res = await signUp(body);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ access_token: expect.stringMatching(/^[\w-]{40,}$/), token_type: "Bearer", scope: "read write follow", created_at: expect.any(Number) });
    const me = await call(kith, "GET", "/api/v1/accounts/verify_credentials", { token: res.json.access_token });
    expect(me.status).toBe(200);
    expect(me.json.username).toBe(body.username);
    expect((await call(kith, "GET", "/api/v1/apps/verify_credentials", { token: res.json.access_token })).json.name).toBe("Test App");
    const [user] = await sql<{ email: string; locale: string; approved: boolean; passwordHash: string }>(kith, `select u.email, u.locale, u.approved, u."passwordHash" from "User" u join "Account" a on a.id = u."accountId" where a.username = $1`, [body.username]);
    expect(user).toMatchObject({ email: "new.person@mail.example", locale: "en", approved: true });
    expect(user!.passwordHash).toMatch(/^scrypt\$/);
  });

  it("the new account signs in on the authorization page with its password", async () => {
    const body = valid();
    expect((await signUp(body)).status).toBe(200);
    const { result } = await authorize(kith, { response_type: "code", client_id: app.client_id, redirect_uri: app.redirect_uri, scope: "read" }, { login: body.username, password: PASSWORD });
    expect(redirectParams(result).get("code")).toBeTruthy();
  });

  it("form-encoded sign-ups work too (agreement=true as a string)", async () => {
    const username = fresh();
    const res = await call(kith, "POST", "/api/v1/accounts", { token: appToken, form: { username, password: PASSWORD, agreement: "true", locale: "de" } });
    expect(res.status).toBe(200);
  });

  it("needs a token with write:accounts", async () => {
    const before = await accounts();
    expect((await signUp(valid(), null)).status).toBe(401);
    expect((await signUp(valid(), "bogus")).status).toBe(401);
    const readOnly = await clientToken(kith, app, "read");
    const res = await signUp(valid(), readOnly);
    expect(res.status).toBe(403);
    expect(res.json.error).toMatch(/scope/);
    expect(await accounts()).toBe(before);
  });

  it("a token narrowed to write:accounts may sign up, and the new token has the same scope", async () => {
    const narrow = await clientToken(kith, app, "write:accounts");
    const res = await signUp(valid(), narrow);
    expect(res.status).toBe(200);
    expect(res.json.scope).toBe("write:accounts");
  });
});

describe("bad input: 422 in Mastodon's shape, nothing stored", () => {
  beforeAll(async () => {
    await kith.core.accounts.createLocal("Taken");
  });

  it.each([
    [{ username: "taken" }, "username", "ERR_TAKEN", /Username has already been taken/],
    [{ username: "admin" }, "username", "ERR_RESERVED", /Username is reserved/],
    [{ username: "bad name!" }, "username", "ERR_INVALID", /Username must contain only/],
    [{ username: "x".repeat(31) }, "username", "ERR_TOO_LONG", /maximum is 30/],
    [{ username: "" }, "username", "ERR_BLANK", /Username can't be blank/],
    [{ password: "short" }, "password", "ERR_TOO_SHORT", /minimum is 8/],
    [{ password: "x".repeat(73) }, "password", "ERR_TOO_LONG", /maximum is 72/],
    [{ password: undefined }, "password", "ERR_BLANK", /Password can't be blank/],
    [{ agreement: false }, "agreement", "ERR_ACCEPTED", /Agreement must be accepted/],
    [{ agreement: undefined }, "agreement", "ERR_ACCEPTED", /Agreement must be accepted/],
    [{ email: "not-an-address" }, "email", "ERR_INVALID", /Email is invalid/],
    [{ locale: "Klingon!" }, "locale", "ERR_INCLUSION", /Locale is not included/],
    [{ reason: "r".repeat(1001) }, "reason", "ERR_TOO_LONG", /maximum is 1000/],
    [{ invite_code: "nope" }, "invite_code", "ERR_INVALID", /Invite code is invalid/],
    [{ username: 42 }, "username", "ERR_INVALID", /Username is invalid/],
  ])("%j → %s %s", async (extra, field, code, message) => {
    const before = await accounts();
    const res = await signUp(valid(extra));
    expect(res.status).toBe(422);
    expect(res.json.error).toMatch(/^Validation failed: /);
    expect(res.json.error).toMatch(message);
    expect(res.json.details[field]).toEqual([{ error: code, description: expect.any(String) }]);
    expect(await accounts()).toBe(before);
  });

  it("reports every bad field at once", async () => {
    const res = await signUp({ username: "taken", password: "x", agreement: false });
    expect(res.status).toBe(422);
    expect(Object.keys(res.json.details).sort()).toEqual(["agreement", "password", "username"]);
  });

  it("an e-mail address already in use is taken, whatever its case", async () => {
    expect((await signUp(valid({ email: "once@mail.example" }))).status).toBe(200);
    const before = await accounts();
    const res = await signUp(valid({ email: "ONCE@mail.example" }));
    expect(res.json.details.email).toEqual([{ error: "ERR_TAKEN", description: "has already been taken" }]);
    expect(await accounts()).toBe(before);
  });

  it("an e-mail address under a canonical e-mail block is refused", async () => {
    await kith.core.moderation.emailBlocks.block({ email: "spammer@blocked.example" });
    const res = await signUp(valid({ email: "spam.mer+x@blocked.example" }));
    expect(res.status).toBe(422);
    expect(res.json.details.email[0].error).toBe("ERR_BLOCKED");
  });

  it("requires an e-mail address only when the instance asks for one, and never a phone number", async () => {
    await mode("open", { requireEmail: true });
    const res = await signUp(valid());
    expect(res.json.details).toEqual({ email: [{ error: "ERR_BLANK", description: "can't be blank" }] });
    expect(JSON.stringify(res.json)).not.toMatch(/phone/i);
    expect((await signUp(valid({ email: "needed@mail.example" }))).status).toBe(200);
  });
});

describe("registration modes", () => {
  it("closed: 403, nothing stored", async () => {
    await mode("closed");
    const before = await accounts();
    const res = await signUp(valid());
    expect(res.status).toBe(403);
    expect(res.json.error).toMatch(/closed/);
    expect(await accounts()).toBe(before);
  });

  it("approval: the account waits, its token is refused with a clear 403 until a moderator approves", async () => {
    await mode("approval");
    const missingReason = await signUp(valid());
    expect(missingReason.json.details.reason[0].error).toBe("ERR_BLANK");

    const body = valid({ reason: "I make tea" });
    const res = await signUp(body);
    expect(res.status).toBe(200);
    const token = res.json.access_token;
    const me = await call(kith, "GET", "/api/v1/accounts/verify_credentials", { token });
    expect(me.status).toBe(403);
    expect(me.json.error).toBe("Your login is currently pending approval");
    const [user] = await sql<{ approved: boolean; reason: string; id: string }>(kith, `select u.approved, u.reason, a.id from "User" u join "Account" a on a.id = u."accountId" where a.username = $1`, [body.username]);
    expect(user).toMatchObject({ approved: false, reason: "I make tea" });

    await kith.core.moderation.accounts.approve(BigInt(user!.id));
    expect((await call(kith, "GET", "/api/v1/accounts/verify_credentials", { token })).status).toBe(200);
  });

  it("approval: no reason needed when the instance does not ask for one", async () => {
    await mode("approval", { requireReason: false });
    expect((await signUp(valid())).status).toBe(200);
  });

  it("approval: a valid invite lets the account in at once", async () => {
    await mode("approval");
    const invite = await kith.core.invites.createInvite({ maxUses: 1 });
    const res = await signUp(valid({ invite_code: invite.code }));
    expect(res.status).toBe(200);
    expect((await call(kith, "GET", "/api/v1/accounts/verify_credentials", { token: res.json.access_token })).status).toBe(200);
  });

  it("invite: a code is required and must be valid", async () => {
    await mode("invite");
    const before = await accounts();
    expect((await signUp(valid())).json.details.invite_code[0].error).toBe("ERR_BLANK");
    expect((await signUp(valid({ invite_code: "wrong" }))).json.details.invite_code[0].error).toBe("ERR_INVALID");
    expect(await accounts()).toBe(before);

    const invite = await kith.core.invites.createInvite({ createdById: inviter.id, autoFollow: true });
    const body = valid({ invite_code: invite.code });
    const res = await signUp(body);
    expect(res.status).toBe(200);
    const token = res.json.access_token;
    const me = await call(kith, "GET", "/api/v1/accounts/verify_credentials", { token });
    expect(me.status).toBe(200);
    // autoFollow: the new account follows whoever invited it.
    const rel = await call(kith, "GET", `/api/v1/accounts/relationships?id[]=${inviter.id}`, { token });
    expect(rel.json[0]).toMatchObject({ id: String(inviter.id), following: true });
    const [row] = await sql<{ uses: number; inviteId: string }>(kith, `select i.uses, u."inviteId" from "Invite" i join "User" u on u."inviteId" = i.id where i.code = $1`, [invite.code]);
    expect(row!.uses).toBe(1);
  });

  it("invite: a used-up invite is refused and its use count stays put", async () => {
    await mode("invite");
    const invite = await kith.core.invites.createInvite({ maxUses: 2 });
    expect((await signUp(valid({ invite_code: invite.code }))).status).toBe(200);
    expect((await signUp(valid({ invite_code: invite.code }))).status).toBe(200);
    const before = await accounts();
    const third = await signUp(valid({ invite_code: invite.code }));
    expect(third.status).toBe(422);
    expect(third.json.details.invite_code[0].error).toBe("ERR_INVALID");
    expect(await accounts()).toBe(before);
    expect((await kith.core.invites.listInvites()).find((i) => i.code === invite.code)).toMatchObject({ uses: 2, usable: false });
  });

  it("invite: two sign-ups racing for the last use: one gets in, the other is refused", async () => {
    await mode("invite");
    const invite = await kith.core.invites.createInvite({ maxUses: 1 });
    const before = await accounts();
    const results = await Promise.all([signUp(valid({ invite_code: invite.code })), signUp(valid({ invite_code: invite.code }))]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 422]);
    expect(await accounts()).toBe(before + 1);
    expect((await kith.core.invites.listInvites()).find((i) => i.code === invite.code)!.uses).toBe(1);
  });

  it("invite: an expired or revoked invite is refused", async () => {
    await mode("invite");
    const expiring = await kith.core.invites.createInvite({ code: "expiring", expiresAt: new Date(Date.now() + 60_000) });
    await sql(kith, `update "Invite" set "expiresAt" = now() - interval '1 second' where id = $1`, [String(expiring.id)]);
    expect((await signUp(valid({ invite_code: "expiring" }))).json.details.invite_code[0].error).toBe("ERR_INVALID");
    const revoked = await kith.core.invites.createInvite({ code: "revoked" });
    expect((await kith.core.invites.revokeInvite(revoked.id)).usable).toBe(false);
    expect((await signUp(valid({ invite_code: "revoked" }))).json.details.invite_code[0].error).toBe("ERR_INVALID");
  });
});

describe("invite service", () => {
  it("creates codes with options, lists usable ones, and refuses bad options without storing", async () => {
    const made = await kith.core.invites.createInvite({ code: "tea-party", maxUses: 5, autoFollow: true, createdById: inviter.id });
    expect(made).toMatchObject({ code: "tea-party", maxUses: 5, uses: 0, autoFollow: true, createdById: inviter.id, usable: true });
    const random = await kith.core.invites.createInvite();
    expect(random.code).toMatch(/^[A-Za-z0-9]{8}$/);
    expect((await kith.core.invites.listInvites({ createdById: inviter.id })).map((i) => i.code)).toContain("tea-party");
    expect((await kith.core.invites.listInvites({ usableOnly: true })).every((i) => i.usable)).toBe(true);

    const before = await count(kith, "Invite");
    await expect(kith.core.invites.createInvite({ code: "tea-party" })).rejects.toThrow(/already taken/);
    await expect(kith.core.invites.createInvite({ maxUses: 0 })).rejects.toThrow(/maxUses/);
    await expect(kith.core.invites.createInvite({ code: "a b" })).rejects.toThrow(/code/);
    await expect(kith.core.invites.createInvite({ expiresAt: new Date(Date.now() - 1000) })).rejects.toThrow(/future/);
    await expect(kith.core.invites.createInvite({ createdById: 123n })).rejects.toThrow(/local user/);
    await expect(kith.core.invites.revokeInvite(999n)).rejects.toThrow(/not found/);
    expect(await count(kith, "Invite")).toBe(before);
  });
});
