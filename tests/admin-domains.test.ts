import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RemoteActorData } from "../src/accounts/account.types.ts";
import { canonicalEmailHash } from "../src/moderation/email-block.service.ts";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";

// Domain blocks, the allow list, canonical e-mail blocks and rules through
// the admin API: admins only, validated, and with their effects on the
// remote accounts we already know.

let kith: InProcess;
let admin: string;
let mod: string;
let local: { id: bigint; token: string };

const call = async (method: string, url: string, token?: string | null, body?: unknown) => {
  const res = await kith.app!.inject({
    method: method as "GET",
    url,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    payload: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : null };
};

const remote = (username: string, domain: string): RemoteActorData => ({
  uri: `https://${domain}/users/${username}`,
  username,
  domain,
  url: null,
  actorType: "Person",
  displayName: username,
  note: "",
  avatarUrl: null,
  headerUrl: null,
  locked: false,
  bot: false,
  discoverable: true,
  fields: [],
  inboxUrl: `https://${domain}/users/${username}/inbox`,
  sharedInboxUrl: `https://${domain}/inbox`,
  outboxUrl: null,
  followersUrl: null,
  followingUrl: null,
  featuredUrl: null,
  publicKeyPem: null,
  publicKeyId: null,
  movedToUri: null,
  alsoKnownAs: [],
});

const relationship = async (id: bigint) => (await call("GET", `/api/v1/accounts/relationships?id[]=${id}`, local.token)).body[0];

beforeAll(async () => {
  kith = await startInProcess("admin_domains");
  const a = await kith.core.accounts.createLocal("ada");
  await kith.core.moderation.accounts.setRole(null, a.id, "admin");
  admin = await kith.core.tokens.issue(a.id, ["read", "admin:read", "admin:write"]);
  const m = await kith.core.accounts.createLocal("moe");
  await kith.core.moderation.accounts.setRole(null, m.id, "moderator");
  mod = await kith.core.tokens.issue(m.id, ["read", "admin:read", "admin:write"]);
  const l = await kith.core.accounts.createLocal("lou");
  local = { id: l.id, token: await kith.core.tokens.issue(l.id) };
}, 60_000);

afterAll(async () => kith?.destroy());

describe("domain blocks", () => {
  it("are for admins: moderators get 403 and nothing is blocked", async () => {
    expect((await call("POST", "/api/v1/admin/domain_blocks", mod, { domain: "nope.example" })).status).toBe(403);
    expect((await call("GET", "/api/v1/admin/domain_blocks", mod)).status).toBe(403);
    expect((await call("GET", "/api/v1/admin/domain_blocks", admin)).body).toEqual([]);
  });

  it("refuses a missing or malformed domain, a bad severity and a duplicate (422)", async () => {
    for (const body of [{}, { domain: "" }, { domain: "not a domain" }, { domain: "ok.example", severity: "nuke" }, { domain: "ok.example", public_comment: "x".repeat(1001) }]) {
      const res = await call("POST", "/api/v1/admin/domain_blocks", admin, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error).toEqual(expect.any(String));
    }
    expect((await call("GET", "/api/v1/admin/domain_blocks", admin)).body).toEqual([]);
    expect((await call("POST", "/api/v1/admin/domain_blocks", admin, { domain: "dup.example" })).status).toBe(200);
    expect((await call("POST", "/api/v1/admin/domain_blocks", admin, { domain: "DUP.example" })).status).toBe(422);
  });

  it("suspend hides the domain's accounts (subdomains too) and severs follows both ways", async () => {
    const them = await kith.core.accounts.upsertRemote(remote("spam", "sub.evil.example"));
    await kith.core.follows.receiveFollow(them, (await kith.core.accounts.findById(local.id))!, "https://sub.evil.example/follows/1");
    await kith.core.follows.follow(local.id, them.id);
    await kith.core.follows.receiveAccept(local.id, them.id);
    expect(await relationship(them.id)).toMatchObject({ following: true, followed_by: true });

    const res = await call("POST", "/api/v1/admin/domain_blocks", admin, { domain: "evil.example", severity: "suspend", public_comment: "spam", private_comment: "see ticket 4", obfuscate: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ domain: "evil.example", severity: "suspend", reject_media: false, reject_reports: false, public_comment: "spam", private_comment: "see ticket 4", obfuscate: true });
    expect(res.body.digest).toMatch(/^[0-9a-f]{64}$/);

    expect((await call("GET", `/api/v1/accounts/${them.id}`)).status).toBe(404);
    expect(await relationship(them.id)).toMatchObject({ following: false, followed_by: false });
    const me = (await call("GET", "/api/v1/accounts/verify_credentials", local.token)).body;
    expect(me).toMatchObject({ followers_count: 0, following_count: 0 });
    // New accounts from there are not looked up, and those we meet start suspended.
    expect(await kith.core.accounts.resolve("someone@evil.example")).toBeNull();
    const late = await kith.core.accounts.upsertRemote(remote("late", "evil.example"));
    expect(late.suspendedAt).not.toBeNull();

    // Lifting the block brings back the accounts it hid (not the follows).
    const id = res.body.id;
    expect((await call("DELETE", `/api/v1/admin/domain_blocks/${id}`, admin)).status).toBe(200);
    expect((await call("GET", `/api/v1/accounts/${them.id}`)).status).toBe(200);
    expect((await relationship(them.id)).following).toBe(false);
    expect((await call("GET", `/api/v1/admin/domain_blocks/${id}`, admin)).status).toBe(404);
  });

  it("silence marks the domain's accounts; changing it to noop lifts the mark", async () => {
    const quiet = await kith.core.accounts.upsertRemote(remote("quiet", "loud.example"));
    const res = await call("POST", "/api/v1/admin/domain_blocks", admin, { domain: "loud.example", severity: "silence", reject_media: true });
    expect(res.status).toBe(200);
    const view = (await call("GET", `/api/v1/admin/accounts/${quiet.id}`, admin)).body;
    expect(view).toMatchObject({ silenced: true, suspended: false, domain: "loud.example" });
    // Search shows a silenced account only to its followers.
    const silenced = (await kith.core.accounts.findById(quiet.id))!;
    expect(await kith.core.moderation.searchable(silenced, local.id)).toBe(false);
    expect(await kith.core.moderation.searchable(silenced, null)).toBe(false);
    await kith.core.follows.follow(local.id, quiet.id);
    await kith.core.follows.receiveAccept(local.id, quiet.id);
    expect(await kith.core.moderation.searchable(silenced, local.id)).toBe(true);
    const updated = await call("PUT", `/api/v1/admin/domain_blocks/${res.body.id}`, admin, { severity: "noop" });
    expect(updated.body).toMatchObject({ severity: "noop", reject_media: true });
    expect((await call("GET", `/api/v1/admin/accounts/${quiet.id}`, admin)).body.silenced).toBe(false);
    expect((await call("PUT", `/api/v1/admin/domain_blocks/${res.body.id}`, admin, { severity: "maybe" })).status).toBe(422);
    expect((await call("PUT", "/api/v1/admin/domain_blocks/999999", admin, { severity: "noop" })).status).toBe(404);
    expect((await call("GET", `/api/v1/admin/domain_blocks/${res.body.id}`, admin)).body.severity).toBe("noop");
  });

  it("lists blocks newest first, paged with a Link header", async () => {
    const all = await call("GET", "/api/v1/admin/domain_blocks", admin);
    expect(all.body.map((b: any) => b.domain)).toEqual(["loud.example", "dup.example"]);
    const page = await kith.app!.inject({ method: "GET", url: "/api/v1/admin/domain_blocks?limit=1", headers: { authorization: `Bearer ${admin}` } });
    expect(page.headers.link).toMatch(/rel="next"/);
    expect(JSON.parse(page.body)).toHaveLength(1);
  });

  it("the public list obfuscates where asked and keeps the real digest", async () => {
    await call("POST", "/api/v1/admin/domain_blocks", admin, { domain: "secret.example", severity: "suspend", obfuscate: true, public_comment: "bad" });
    const list = (await call("GET", "/api/v1/instance/domain_blocks")).body as any[];
    const secret = list.find((b) => b.severity === "suspend");
    expect(secret.domain).not.toBe("secret.example");
    expect(secret.domain).toMatch(/^se.*\*.*le$/);
    expect(secret).toMatchObject({ comment: "bad" });
    expect(secret.digest).toBe((await call("GET", "/api/v1/admin/domain_blocks", admin)).body.find((b: any) => b.domain === "secret.example").digest);
  });
});

describe("domain allows", () => {
  it("create, read, list, delete; 422 without a domain; 404 for bad ids; moderators 403", async () => {
    expect((await call("POST", "/api/v1/admin/domain_allows", mod, { domain: "friends.example" })).status).toBe(403);
    expect((await call("POST", "/api/v1/admin/domain_allows", admin, {})).status).toBe(422);
    const res = await call("POST", "/api/v1/admin/domain_allows", admin, { domain: "Friends.Example" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ domain: "friends.example", created_at: expect.any(String) });
    // Allowing twice answers with the same allow.
    expect((await call("POST", "/api/v1/admin/domain_allows", admin, { domain: "friends.example" })).body.id).toBe(res.body.id);
    expect((await call("GET", `/api/v1/admin/domain_allows/${res.body.id}`, admin)).body.domain).toBe("friends.example");
    expect((await call("GET", "/api/v1/admin/domain_allows", admin)).body).toHaveLength(1);
    expect((await call("GET", "/api/v1/admin/domain_allows/123", admin)).status).toBe(404);
    expect((await call("DELETE", "/api/v1/admin/domain_allows/123", admin)).status).toBe(404);
    expect((await call("DELETE", `/api/v1/admin/domain_allows/${res.body.id}`, admin)).status).toBe(200);
    expect((await call("GET", "/api/v1/admin/domain_allows", admin)).body).toEqual([]);
  });

  it("in allow-list mode only allowed domains are looked up", async () => {
    await kith.core.accounts.upsertRemote(remote("pal", "pals.example"));
    await kith.core.settings.update({ allowListMode: true });
    try {
      expect(await kith.core.moderation.policy.federates("pals.example")).toBe(false);
      expect(await kith.core.accounts.resolve("pal@pals.example")).toBeNull();
      await call("POST", "/api/v1/admin/domain_allows", admin, { domain: "pals.example" });
      expect(await kith.core.moderation.policy.federates("pals.example")).toBe(true);
      expect(await kith.core.moderation.policy.federates("www.pals.example")).toBe(true);
      expect((await kith.core.accounts.resolve("pal@pals.example"))?.username).toBe("pal");
      expect((await call("GET", "/api/v2/instance")).body.configuration.limited_federation).toBe(true);
    } finally {
      await kith.core.settings.update({ allowListMode: false });
    }
  });
});

describe("canonical e-mail blocks", () => {
  it("blocks the canonical form of an address; sign-up asks isEmailBlocked", async () => {
    expect((await call("POST", "/api/v1/admin/canonical_email_blocks", mod, { email: "a@b.example" })).status).toBe(403);
    for (const body of [{}, { email: "not-an-address" }, { canonical_email_hash: "abc" }]) {
      expect((await call("POST", "/api/v1/admin/canonical_email_blocks", admin, body)).status).toBe(422);
    }
    expect((await call("GET", "/api/v1/admin/canonical_email_blocks", admin)).body).toEqual([]);
    const res = await call("POST", "/api/v1/admin/canonical_email_blocks", admin, { email: "J.Doe+spam@Example.com" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: expect.any(String), canonical_email_hash: canonicalEmailHash("jdoe@example.com") });
    expect((await call("POST", "/api/v1/admin/canonical_email_blocks", admin, { email: "jdoe@example.com" })).status).toBe(422);
    expect(await kith.core.moderation.isEmailBlocked("j.d.o.e+other@EXAMPLE.com")).toBe(true);
    expect(await kith.core.moderation.isEmailBlocked("jane@example.com")).toBe(false);
    const test = await call("POST", "/api/v1/admin/canonical_email_blocks/test", admin, { email: "jdoe+x@example.com" });
    expect(test.body.map((b: any) => b.id)).toEqual([res.body.id]);
    expect((await call("POST", "/api/v1/admin/canonical_email_blocks/test", admin, { email: "x@y.example" })).body).toEqual([]);
    expect((await call("POST", "/api/v1/admin/canonical_email_blocks/test", admin, {})).status).toBe(422);
    expect((await call("GET", `/api/v1/admin/canonical_email_blocks/${res.body.id}`, admin)).body.id).toBe(res.body.id);
    expect((await call("DELETE", "/api/v1/admin/canonical_email_blocks/77", admin)).status).toBe(404);
    expect((await call("DELETE", `/api/v1/admin/canonical_email_blocks/${res.body.id}`, admin)).status).toBe(200);
    expect(await kith.core.moderation.isEmailBlocked("jdoe@example.com")).toBe(false);
  });
});

describe("rules", () => {
  it("admins add, edit and remove rules; the instance shows them in order", async () => {
    expect((await call("POST", "/api/v1/admin/rules", mod, { text: "Be kind" })).status).toBe(403);
    expect((await call("POST", "/api/v1/admin/rules", admin, { text: "   " })).status).toBe(422);
    expect((await call("POST", "/api/v1/admin/rules", admin, {})).status).toBe(422);
    const first = (await call("POST", "/api/v1/admin/rules", admin, { text: "Be kind", hint: "Really" })).body;
    const second = (await call("POST", "/api/v1/admin/rules", admin, { text: "No ads" })).body;
    expect(first).toEqual({ id: expect.any(String), text: "Be kind", hint: "Really", translations: {} });
    expect((await call("GET", "/api/v1/instance/rules")).body.map((r: any) => r.text)).toEqual(["Be kind", "No ads"]);
    expect((await call("PUT", `/api/v1/admin/rules/${second.id}`, admin, { text: "No adverts", position: 0 })).body.text).toBe("No adverts");
    expect((await call("PUT", `/api/v1/admin/rules/${second.id}`, admin, { text: "" })).status).toBe(422);
    expect((await call("PUT", "/api/v1/admin/rules/1", admin, { text: "x" })).status).toBe(404);
    expect((await call("DELETE", `/api/v1/admin/rules/${first.id}`, admin)).status).toBe(200);
    expect((await call("GET", "/api/v1/admin/rules", admin)).body.map((r: any) => r.text)).toEqual(["No adverts"]);
  });
});
