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

describe("usage errors exit 2 with one line naming the mistake, and touch nothing", () => {
  it.each([
    [["accounts"], "kith: accounts: missing a command (create, password, list, approve, suspend, unsuspend, role, token, alias, move, export, import)"],
    [["accounts", "frobnicate", "alice"], "kith: accounts: unknown command frobnicate (create, password, list, approve, suspend, unsuspend, role, token, alias, move, export, import)"],
    [["accounts", "create"], "kith: accounts create: missing <username>"],
    [["accounts", "create", "carol", "--foo"], "kith: accounts create: unknown option --foo"],
    [["accounts", "create", "carol", "--password"], "kith: accounts create: option --password needs a value"],
    [["accounts", "password"], "kith: accounts password: missing <username>"],
    [["accounts", "list", "--role", "king"], "kith: accounts list: --role must be one of user, moderator, admin, owner"],
    [["accounts", "list", "everyone"], "kith: accounts list: unexpected argument everyone"],
    [["accounts", "role", "alice", "king"], "kith: accounts role: role must be one of user, moderator, admin, owner"],
    [["accounts", "role", "alice"], "kith: accounts role: missing <user|moderator|admin|owner>"],
    [["accounts", "suspend"], "kith: accounts suspend: missing <username>"],
    [["accounts", "suspend", "alice", "--bogus"], "kith: accounts suspend: unknown option --bogus"],
    [["accounts", "suspend", "alice", "bob"], "kith: accounts suspend: unexpected argument bob"],
    [["accounts", "token", "alice", "--scopes", "read admin:everything"], "kith: accounts token: unknown scope admin:everything"],
    [["domains", "block"], "kith: domains block: missing <domain>"],
    [["domains", "block", "x.example", "--severity", "nuke"], "kith: domains block: --severity must be one of silence, suspend, noop"],
    [["invites", "create", "--max-uses", "0"], "kith: invites create: --max-uses must be a whole number, 1 or more"],
    [["invites", "create", "--expires-in", "soon"], 'kith: invites create: --expires-in must look like 30m, 6h, 1d or 1w (got "soon")'],
    [["settings", "set", "colour", "blue"], /^kith: settings set: unknown setting colour; settings are registrationMode, /],
    [["settings", "set", "title"], "kith: settings set: missing <value>"],
    [["settings", "get", "title", "extra"], "kith: settings get: unexpected argument extra"],
    [["rules", "remove", "abc"], 'kith: rules remove: <id> must be a rule\'s number (got "abc")'],
    [["rules"], "kith: rules: missing a command (list, add, remove)"],
    [["frobnicate"], "kith: unknown command frobnicate (kith help lists them)"],
    [["--foo"], "kith: unknown option --foo"],
    [["serve", "--foo"], "kith: serve: unknown option --foo"],
    [["stats", "now"], "kith: stats: unexpected argument now"],
  ] as [string[], string | RegExp][])("kith %j", async (args, message) => {
    const res = await kith(...args);
    expect(res.code).toBe(2);
    // One line, and only the mistake: not the usage.
    expect(res.stderr).toMatch(/^[^\n]+\n$/);
    if (typeof message === "string") expect(res.stderr).toBe(`${message}\n`);
    else expect(res.stderr).toMatch(message);
    expect(res.stdout).toBe("");
  });

  it("kith alone prints the usage on stderr and exits 2; kith help and --help print it on stdout and exit 0", async () => {
    const bare = await kith();
    expect(bare.code).toBe(2);
    expect(bare.stdout).toBe("");
    expect(bare.stderr).toMatch(/^Usage:\n {2}kith migrate/);
    for (const args of [["help"], ["--help"], ["accounts", "create", "--help"]]) {
      const help = await kith(...args);
      expect(help.code).toBe(0);
      expect(help.stderr).toBe("");
      expect(help.stdout).toBe(bare.stderr);
      expect(help.stdout).toContain("kith accounts password <username> [--password <password>]");
      expect(help.stdout).toContain("kith accounts list [--pending] [--role user|moderator|admin|owner]");
    }
  });

  it("nothing was changed by them", async () => {
    expect(await sql(`SELECT role FROM "User" u JOIN "Account" a ON a.id = u."accountId" WHERE a.username = 'alice'`)).toEqual([{ role: "user" }]);
    expect(await sql(`SELECT * FROM "DomainBlock"`)).toEqual([]);
    expect(await sql(`SELECT * FROM "Invite"`)).toEqual([]);
    expect(await sql(`SELECT id FROM "Account" WHERE username = 'carol'`)).toEqual([]);
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
