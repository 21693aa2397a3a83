import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.ts";
import { KithInstance, type TestAccount } from "./helpers/instance.ts";
import { waitFor } from "./helpers/wait.ts";

// The admin CLI as an operator runs it: a child process against a running
// instance's database. Each command prints one JSON line; usage errors exit
// 2, refusals exit 1 and change nothing. A command that opens the database
// takes a second or two to start, hence the longer timeouts.

const SLOW = { timeout: 180_000 };

let K: KithInstance;
let alice: TestAccount;
let bob: TestAccount;
let adminToken: string;
const kith = (...args: string[]) => runCli(K.env, args);

async function sql(query: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: K.env.DATABASE_URL });
  await client.connect();
  try {
    return (await client.query(query, params)).rows;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  K = await KithInstance.create("cli");
  await K.start();
  [alice, bob] = await Promise.all([K.createAccount("alice"), K.createAccount("bob")]);
}, 120_000);

afterAll(async () => K?.destroy());

describe("usage errors exit 2 and touch nothing", () => {
  it.each([
    [["accounts"]],
    [["accounts", "frobnicate", "alice"]],
    [["accounts", "role", "alice", "king"]],
    [["accounts", "suspend"]],
    [["accounts", "suspend", "alice", "--bogus"]],
    [["accounts", "token", "alice", "--scopes", "read admin:everything"]],
    [["domains", "block"]],
    [["domains", "block", "x.example", "--severity", "nuke"]],
    [["invites", "create", "--max-uses", "0"]],
    [["invites", "create", "--expires-in", "soon"]],
    [["settings", "set", "colour", "blue"]],
    [["settings", "get", "title", "extra"]],
    [["rules", "remove", "abc"]],
    [["rules"]],
  ])("kith %j", async (args) => {
    const res = await kith(...args);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^kith: /);
    expect(res.stderr).toContain("Usage:");
    expect(res.stdout).toBe("");
  });

  it("nothing was changed by them", async () => {
    expect(await sql(`SELECT role FROM "User" u JOIN "Account" a ON a.id = u."accountId" WHERE a.username = 'alice'`)).toEqual([{ role: "user" }]);
    expect(await sql(`SELECT * FROM "DomainBlock"`)).toEqual([]);
    expect(await sql(`SELECT * FROM "Invite"`)).toEqual([]);
  });
});

describe("accounts", SLOW, () => {
  it("role gives a role; token issues an admin-scoped token that the admin API accepts", async () => {
    const role = await kith("accounts", "role", "alice", "admin");
    expect(role.code).toBe(0);
    expect(role.json).toMatchObject({ username: "alice", role: "admin" });
    const token = await kith("accounts", "token", "alice", "--scopes", "read admin:read admin:write");
    expect(token.code).toBe(0);
    expect(token.json.scopes).toBe("read admin:read admin:write");
    adminToken = token.json.access_token;
    expect((await K.api(adminToken, "GET", "/api/v1/admin/accounts")).status).toBe(200);
    expect((await K.api(bob.token, "GET", "/api/v1/admin/accounts")).status).toBe(403);
  });

  it("refuses unknown users and invalid requests with exit 1", async () => {
    const ghost = await kith("accounts", "suspend", "ghost");
    expect(ghost.code).toBe(1);
    expect(ghost.stderr).toMatch(/not found/);
    // A name is matched exactly: "b_b" is not bob.
    expect((await kith("accounts", "suspend", "b_b")).code).toBe(1);
    const approved = await kith("accounts", "approve", "bob");
    expect(approved.code).toBe(1);
    expect(approved.stderr).toMatch(/not waiting for approval/);
    expect((await kith("accounts", "unsuspend", "bob")).code).toBe(1);
    expect((await K.api(bob.token, "GET", "/api/v1/accounts/verify_credentials")).status).toBe(200);
  });

  it("approve lets a pending sign-up in", async () => {
    await K.createAccount("newbie");
    await sql(`UPDATE "User" SET approved = false WHERE "accountId" = (SELECT id FROM "Account" WHERE username = 'newbie' AND domain IS NULL)`);
    const pending = await K.api(adminToken, "GET", "/api/v1/admin/accounts?pending=true");
    expect(pending.body.map((a: any) => a.username)).toEqual(["newbie"]);
    const res = await kith("accounts", "approve", "newbie");
    expect(res.code).toBe(0);
    expect(res.json).toMatchObject({ username: "newbie", approved: true });
    expect((await K.api(adminToken, "GET", "/api/v1/admin/accounts?pending=true")).body).toEqual([]);
  });

  it("suspend stops the account at once; unsuspend brings it back", async () => {
    const res = await kith("accounts", "suspend", "bob", "--reason", "spam");
    expect(res.code).toBe(0);
    expect(res.json).toMatchObject({ username: "bob", suspended: true, reason: "spam" });
    expect((await K.api(bob.token, "GET", "/api/v1/accounts/verify_credentials")).status).toBe(401);
    expect((await K.api(null, "GET", `/api/v1/accounts/${bob.id}`)).status).toBe(404);
    const back = await kith("accounts", "unsuspend", "bob");
    expect(back.code).toBe(0);
    expect(back.json.suspended).toBe(false);
    expect((await K.api(bob.token, "GET", "/api/v1/accounts/verify_credentials")).status).toBe(200);
  });
});

describe("domains", SLOW, () => {
  it("block, unblock, allow, disallow", async () => {
    const block = await kith("domains", "block", "Evil.Example", "--severity", "suspend", "--reject-media", "--public-comment", "spam farm");
    expect(block.code).toBe(0);
    expect(block.json).toMatchObject({ domain: "evil.example", severity: "suspend", reject_media: true });
    const listed = (await K.api(adminToken, "GET", "/api/v1/admin/domain_blocks")).body;
    expect(listed).toEqual([expect.objectContaining({ domain: "evil.example", severity: "suspend", reject_media: true, public_comment: "spam farm" })]);
    const again = await kith("domains", "block", "evil.example");
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already blocked/);
    expect((await kith("domains", "block", "not a domain")).code).toBe(1);
    expect((await kith("domains", "unblock", "evil.example")).json).toMatchObject({ domain: "evil.example", unblocked: true });
    expect((await kith("domains", "unblock", "evil.example")).code).toBe(1);
    expect((await K.api(adminToken, "GET", "/api/v1/admin/domain_blocks")).body).toEqual([]);

    expect((await kith("domains", "allow", "friends.example")).json).toMatchObject({ domain: "friends.example", allowed: true });
    expect((await K.api(adminToken, "GET", "/api/v1/admin/domain_allows")).body.map((a: any) => a.domain)).toEqual(["friends.example"]);
    expect((await kith("domains", "disallow", "friends.example")).json).toMatchObject({ disallowed: true });
    expect((await kith("domains", "disallow", "friends.example")).code).toBe(1);
  });
});

describe("invites", SLOW, () => {
  it("create prints a code usable at sign-up, with its limits", async () => {
    const res = await kith("invites", "create", "--max-uses", "3", "--expires-in", "1d", "--auto-follow", "alice");
    expect(res.code).toBe(0);
    expect(res.json).toMatchObject({ code: expect.stringMatching(/^\w{4,}$/), max_uses: 3, auto_follow: "alice" });
    const ttl = Date.parse(res.json.expires_at) - Date.now();
    expect(ttl).toBeGreaterThan(23 * 3600_000);
    expect(ttl).toBeLessThanOrEqual(24 * 3600_000);
    const rows = await sql(`SELECT code, "maxUses", "autoFollow" FROM "Invite"`);
    expect(rows).toEqual([{ code: res.json.code, maxUses: 3, autoFollow: true }]);
    expect((await kith("invites", "create", "--auto-follow", "ghost")).code).toBe(1);
    expect(await sql(`SELECT code FROM "Invite"`)).toHaveLength(1);
    expect((await kith("invites", "create")).json).toMatchObject({ max_uses: null, expires_at: null, auto_follow: null });
  });
});

describe("settings and rules", SLOW, () => {
  it("settings get and set, validated; a running server sees the change", async () => {
    expect((await kith("settings", "get", "registrationMode")).json).toEqual({ registrationMode: "approval" });
    expect((await kith("settings", "set", "title", "Tea Club")).json).toEqual({ title: "Tea Club" });
    expect((await kith("settings", "set", "allowListMode", "true")).json).toEqual({ allowListMode: true });
    expect((await kith("settings", "set", "allowListMode", "false")).json).toEqual({ allowListMode: false });
    expect((await kith("settings", "set", "languages", "en, fr")).json).toEqual({ languages: ["en", "fr"] });
    const bad = await kith("settings", "set", "registrationMode", "everyone");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/registrationMode/);
    expect((await kith("settings", "set", "allowListMode", "maybe")).code).toBe(1);
    const all = await kith("settings", "get");
    expect(all.json).toMatchObject({ title: "Tea Club", registrationMode: "approval", languages: ["en", "fr"] });
    await waitFor(async () => (await K.api(null, "GET", "/api/v2/instance")).body.title === "Tea Club", "the server to show the new title");
  });

  it("rules add, list, remove", async () => {
    const added = await kith("rules", "add", "Be kind", "--hint", "to everyone");
    expect(added.json).toMatchObject({ text: "Be kind", hint: "to everyone" });
    expect((await kith("rules", "add", "  ")).code).toBe(1);
    expect((await kith("rules", "list")).json).toEqual([{ id: added.json.id, text: "Be kind", hint: "to everyone" }]);
    expect((await K.api(null, "GET", "/api/v1/instance/rules")).body.map((r: any) => r.text)).toEqual(["Be kind"]);
    expect((await kith("rules", "remove", added.json.id)).json).toEqual({ id: added.json.id, removed: true });
    expect((await kith("rules", "remove", added.json.id)).code).toBe(1);
    expect((await kith("rules", "list")).json).toEqual([]);
  });
});
