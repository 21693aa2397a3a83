import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../src/db/client.ts";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";

// The admin account API (/api/v1/admin/accounts): what staff can see and do,
// and that every refusal (no scope, no role, bad id, bad input) changes nothing.

let kith: InProcess;
let db: Db;
const ADMIN_SCOPES = ["read", "write", "follow", "admin:read", "admin:write"];
let owner: string; // owner token
let mod: string; // moderator token
let modReadOnly: string; // moderator token with admin:read only
let userAdminScoped: string; // a plain user whose token has admin scopes
let userToken: string; // a plain user, no admin scopes
let targetId: string;
let targetToken: string;

const call = (method: string, url: string, token?: string | null, body?: unknown) =>
  kith.app!.inject({
    method: method as "GET",
    url,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    payload: body === undefined ? undefined : JSON.stringify(body),
  });
const json = async (method: string, url: string, token?: string | null, body?: unknown) => {
  const res = await call(method, url, token, body);
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : null, headers: res.headers };
};
const adminView = async (id: string) => (await json("GET", `/api/v1/admin/accounts/${id}`, owner)).body;

async function staff(username: string, role: "owner" | "admin" | "moderator" | "user", scopes = ADMIN_SCOPES) {
  const account = await kith.core.accounts.createLocal(username);
  if (role !== "user") await kith.core.moderation.accounts.setRole(null, account.id, role);
  return { id: String(account.id), token: await kith.core.tokens.issue(account.id, scopes) };
}

beforeAll(async () => {
  kith = await startInProcess("admin_accounts");
  db = createDb(kith.core.config.databaseUrl, 2);
  owner = (await staff("olivia", "owner")).token;
  mod = (await staff("morgan", "moderator")).token;
  modReadOnly = await kith.core.tokens.issue((await kith.core.accounts.lookup("morgan")).id, ["read", "admin:read"]);
  userAdminScoped = (await staff("uma", "user")).token;
  userToken = (await staff("ursula", "user", ["read", "write"])).token;
  const target = await staff("troll", "user", ["read", "write"]);
  targetId = target.id;
  targetToken = target.token;
}, 60_000);

afterAll(async () => {
  await db?.$disconnect();
  await kith?.destroy();
});

describe("who may use the admin API", () => {
  it("401 without a token, 403 without an admin scope, 403 for a user without a staff role", async () => {
    expect((await call("GET", "/api/v1/admin/accounts")).statusCode).toBe(401);
    const noScope = await json("GET", "/api/v1/admin/accounts", userToken);
    expect(noScope.status).toBe(403);
    expect(noScope.body.error).toMatch(/scope/);
    const noRole = await json("GET", "/api/v1/admin/accounts", userAdminScoped);
    expect(noRole.status).toBe(403);
    expect(noRole.body.error).toMatch(/not allowed/);
  });

  it("granular admin scopes cover only their own area", async () => {
    const granular = await kith.core.tokens.issue((await kith.core.accounts.lookup("morgan")).id, ["admin:read:accounts"]);
    expect((await json("GET", "/api/v1/admin/accounts", granular)).status).toBe(200);
    expect((await json("GET", "/api/v1/admin/reports", granular)).status).toBe(403);
    expect((await json("POST", `/api/v1/admin/accounts/${targetId}/action`, granular, { type: "silence" })).status).toBe(403);
    expect((await adminView(targetId)).silenced).toBe(false);
  });

  it("a read-only admin token cannot act, and the account is unchanged", async () => {
    const res = await json("POST", `/api/v1/admin/accounts/${targetId}/action`, modReadOnly, { type: "suspend" });
    expect(res.status).toBe(403);
    expect((await adminView(targetId)).suspended).toBe(false);
    expect((await json("GET", "/api/v1/accounts/verify_credentials", targetToken)).status).toBe(200);
  });

  it("a moderator may not delete account data (admins only)", async () => {
    const res = await json("DELETE", `/api/v1/admin/accounts/${targetId}`, mod);
    expect(res.status).toBe(403);
    expect((await adminView(targetId)).username).toBe("troll");
  });
});

describe("listing and reading accounts", () => {
  it("lists accounts with Admin::Account entities, never the instance actor", async () => {
    const res = await json("GET", "/api/v1/admin/accounts", mod);
    expect(res.status).toBe(200);
    const names = res.body.map((a: any) => a.username);
    expect(names).toEqual(expect.arrayContaining(["olivia", "morgan", "troll"]));
    expect(names).not.toContain("instance.actor");
    const olivia = res.body.find((a: any) => a.username === "olivia");
    expect(olivia).toMatchObject({ domain: null, approved: true, disabled: false, silenced: false, suspended: false, confirmed: true, role: { name: "Owner", highlighted: true } });
    expect(olivia.account).toMatchObject({ username: "olivia", acct: "olivia" });
    expect(typeof olivia.role.permissions).toBe("string");
  });

  it("filters by username, staff and origin, and pages with a Link header", async () => {
    expect((await json("GET", "/api/v1/admin/accounts?username=trol", mod)).body.map((a: any) => a.username)).toEqual(["troll"]);
    // What the admin types is matched literally ("_" is no wildcard).
    expect((await json("GET", "/api/v1/admin/accounts?username=t_oll", mod)).body).toEqual([]);
    expect((await json("GET", "/api/v1/admin/accounts?staff=true", mod)).body.map((a: any) => a.username).sort()).toEqual(["morgan", "olivia"]);
    expect((await json("GET", "/api/v1/admin/accounts?remote=true", mod)).body).toEqual([]);
    const page = await json("GET", "/api/v1/admin/accounts?local=true&limit=2", mod);
    expect(page.body).toHaveLength(2);
    const next = /<([^>]+)>; rel="next"/.exec(String(page.headers.link))![1]!;
    const rest = await json("GET", new URL(next).pathname + new URL(next).search, mod);
    expect(rest.body.length).toBeGreaterThan(0);
    expect(rest.body.map((a: any) => a.id)).not.toContain(page.body[0].id);
  });

  it("404 for ids that are not accounts, 422 for a bad filter", async () => {
    for (const id of ["abc", "999999999"]) expect((await json("GET", `/api/v1/admin/accounts/${id}`, mod)).status).toBe(404);
    const instanceActor = await kith.core.accounts.findLocalActor("instance.actor");
    expect((await json("GET", `/api/v1/admin/accounts/${instanceActor!.id}`, mod)).status).toBe(404);
    expect((await json("GET", "/api/v1/admin/accounts?pending[]=x", mod)).status).toBe(422);
  });
});

describe("account actions", () => {
  it("422 for an unknown action type and 404 for an unknown account, changing nothing", async () => {
    const bad = await json("POST", `/api/v1/admin/accounts/${targetId}/action`, mod, { type: "banish" });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatch(/type/);
    expect((await json("POST", "/api/v1/admin/accounts/999999999/action", mod, { type: "suspend" })).status).toBe(404);
    expect(await adminView(targetId)).toMatchObject({ suspended: false, silenced: false, sensitized: false });
  });

  it("silence keeps the account's posts off the public timeline; unsilence brings them back", async () => {
    const post = await json("POST", "/api/v1/statuses", targetToken, { status: "loud post" });
    expect(post.status).toBe(200);
    const onPublic = async () => (await json("GET", "/api/v1/timelines/public")).body.some((s: any) => s.id === post.body.id);
    expect(await onPublic()).toBe(true);
    expect((await json("POST", `/api/v1/admin/accounts/${targetId}/action`, mod, { type: "silence" })).status).toBe(200);
    expect((await adminView(targetId)).silenced).toBe(true);
    expect(await onPublic()).toBe(false);
    const back = await json("POST", `/api/v1/admin/accounts/${targetId}/unsilence`, mod);
    expect(back.body.silenced).toBe(false);
    expect(await onPublic()).toBe(true);
  });

  it("sensitive marks the account's posts sensitive; unsensitive lifts it", async () => {
    const post = (await json("POST", "/api/v1/statuses", targetToken, { status: "pictures" })).body;
    expect(post.sensitive).toBe(false);
    await json("POST", `/api/v1/admin/accounts/${targetId}/action`, mod, { type: "sensitive" });
    expect((await adminView(targetId)).sensitized).toBe(true);
    expect((await json("GET", `/api/v1/statuses/${post.id}`, owner)).body.sensitive).toBe(true);
    expect((await json("POST", `/api/v1/admin/accounts/${targetId}/unsensitive`, mod)).body.sensitized).toBe(false);
    expect((await json("GET", `/api/v1/statuses/${post.id}`, owner)).body.sensitive).toBe(false);
  });

  it("disable stops the user's tokens; enable lets them back in", async () => {
    await json("POST", `/api/v1/admin/accounts/${targetId}/action`, mod, { type: "disable" });
    expect((await adminView(targetId)).disabled).toBe(true);
    expect((await json("GET", "/api/v1/accounts/verify_credentials", targetToken)).status).toBe(403);
    expect((await json("POST", `/api/v1/admin/accounts/${targetId}/enable`, mod)).body.disabled).toBe(false);
    expect((await json("GET", "/api/v1/accounts/verify_credentials", targetToken)).status).toBe(200);
  });

  it("suspend: tokens stop, profile and posts 404, the actor says suspended; unsuspend restores all", async () => {
    const post = await json("POST", "/api/v1/statuses", targetToken, { status: "before suspension" });
    expect((await json("POST", `/api/v1/admin/accounts/${targetId}/action`, mod, { type: "suspend", text: "spam" })).status).toBe(200);
    expect((await adminView(targetId)).suspended).toBe(true);
    expect((await json("GET", "/api/v1/accounts/verify_credentials", targetToken)).status).toBe(401);
    expect((await json("GET", `/api/v1/accounts/${targetId}`)).status).toBe(404);
    expect((await json("GET", `/api/v1/statuses/${post.body.id}`, owner)).status).toBe(404);
    expect((await call("GET", "/@troll")).statusCode).toBe(404);
    const actor = await call("GET", "/users/troll", null);
    const doc = await kith.app!.inject({ method: "GET", url: "/users/troll", headers: { accept: "application/activity+json" } });
    expect(actor.statusCode).toBe(404); // the HTML profile
    expect(doc.statusCode).toBe(200);
    const person = JSON.parse(doc.body);
    expect(person.suspended).toBe(true);
    expect(person.summary).toBeUndefined();
    expect(person.publicKey).toBeDefined();

    const again = await json("POST", `/api/v1/admin/accounts/${targetId}/unsuspend`, mod);
    expect(again.status).toBe(200);
    expect(again.body.suspended).toBe(false);
    expect((await json("GET", "/api/v1/accounts/verify_credentials", targetToken)).status).toBe(200);
    expect((await json("GET", `/api/v1/statuses/${post.body.id}`, owner)).status).toBe(200);
    expect(JSON.parse((await kith.app!.inject({ method: "GET", url: "/users/troll", headers: { accept: "application/activity+json" } })).body).suspended).toBeUndefined();
  });

  it("unsuspending an account that is not suspended is refused (403)", async () => {
    expect((await json("POST", `/api/v1/admin/accounts/${targetId}/unsuspend`, mod)).status).toBe(403);
  });

  it("only a suspended account can be deleted, and only by an admin", async () => {
    const victim = await staff("gone", "user", ["read"]);
    const olivia = await kith.core.accounts.lookup("olivia");
    await kith.core.follows.follow(BigInt(victim.id), olivia.id);
    const followers = async () => (await json("GET", `/api/v1/accounts/${olivia.id}`)).body.followers_count;
    const before = await followers();
    expect((await json("DELETE", `/api/v1/admin/accounts/${victim.id}`, owner)).status).toBe(403);
    expect((await adminView(victim.id)).username).toBe("gone");
    await json("POST", `/api/v1/admin/accounts/${victim.id}/action`, mod, { type: "suspend" });
    const res = await json("DELETE", `/api/v1/admin/accounts/${victim.id}`, owner);
    expect(res.status).toBe(200);
    expect(res.body.username).toBe("gone");
    expect((await json("GET", `/api/v1/admin/accounts/${victim.id}`, owner)).status).toBe(404);
    // Its follow went with it, and off the counter of whom it followed.
    expect(await followers()).toBe(before - 1);
  });
});

describe("sign-ups waiting for approval", () => {
  let pendingId: string;
  beforeAll(async () => {
    const pending = await kith.core.accounts.createLocal("newbie");
    await db.user.update({ where: { accountId: pending.id }, data: { approved: false, reason: "I like tea" } });
    pendingId = String(pending.id);
  });

  it("lists pending accounts with their reason", async () => {
    const res = await json("GET", "/api/v1/admin/accounts?pending=true", mod);
    expect(res.body.map((a: any) => a.username)).toEqual(["newbie"]);
    expect(res.body[0]).toMatchObject({ approved: false, invite_request: "I like tea" });
  });

  it("approve lets them in; approving twice is refused", async () => {
    const res = await json("POST", `/api/v1/admin/accounts/${pendingId}/approve`, mod);
    expect(res.status).toBe(200);
    expect(res.body.approved).toBe(true);
    expect((await json("POST", `/api/v1/admin/accounts/${pendingId}/approve`, mod)).status).toBe(403);
    expect((await json("POST", `/api/v1/admin/accounts/${pendingId}/reject`, mod)).status).toBe(403);
    expect((await adminView(pendingId)).username).toBe("newbie");
  });

  it("reject deletes a pending sign-up", async () => {
    const other = await kith.core.accounts.createLocal("spammer");
    await db.user.update({ where: { accountId: other.id }, data: { approved: false } });
    const res = await json("POST", `/api/v1/admin/accounts/${other.id}/reject`, mod);
    expect(res.status).toBe(200);
    expect(res.body.username).toBe("spammer");
    expect((await json("GET", `/api/v1/admin/accounts/${other.id}`, mod)).status).toBe(404);
  });
});
