import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliEnv, runCli } from "./helpers/cli.ts";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";
import { RemoteServer, type Json, type RemoteActor } from "./helpers/remote-actor.ts";
import { waitFor } from "./helpers/wait.ts";

// Account aliases (alsoKnownAs), the first step of moving between servers:
// added by handle or URL through the REST API and the CLI, published on the
// actor, sent to a follower's server in an Update{Person}, and each refusal.

const SLOW = { timeout: 120_000 };

let kith: InProcess;
let R: RemoteServer;
let token: string;
let readOnly: string;
let aliceUri: string;
let old: RemoteActor;
let older: RemoteActor;
let fan: RemoteActor;

const call = async (method: string, url: string, body?: unknown, t = token) => {
  const res = await kith.app!.inject({ method: method as "GET", url, headers: { authorization: `Bearer ${t}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) }, payload: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : null };
};
const add = (acct: unknown, t = token) => call("POST", "/api/v1/accounts/aliases", { acct }, t);
const remove = (body: Json) => call("DELETE", "/api/v1/accounts/aliases", body);
// The instance itself is allowed to reach loopback servers (the fake remote one); so is its CLI.
const kithCli = (...args: string[]) => runCli(cliEnv(kith.core.config, { KITH_ALLOW_PRIVATE_ADDRESS: "true" }), args);
const asList = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

async function actorDocument(): Promise<Json> {
  const res = await kith.app!.inject({ method: "GET", url: "/users/alice", headers: { accept: "application/activity+json" } });
  expect(res.statusCode).toBe(200);
  return JSON.parse(res.body);
}

/** The Update{Person} of alice the follower's server got whose alsoKnownAs is exactly `uris`. */
const updateAtFan = (uris: string[]) =>
  waitFor(async () => R.inboxActivities("Update").find((a) => a.object?.id === aliceUri && JSON.stringify([...asList(a.object.alsoKnownAs)].sort()) === JSON.stringify([...uris].sort())), `an Update{Person} with alsoKnownAs ${JSON.stringify(uris)} at the follower's server`, 30_000);

beforeAll(async () => {
  [kith, R] = await Promise.all([startInProcess("aliases"), RemoteServer.start()]);
  const alice = await kith.core.accounts.createLocal("alice");
  aliceUri = alice.uri;
  token = await kith.core.tokens.issue(alice.id);
  readOnly = await kith.core.tokens.issue(alice.id, ["read"]);
  old = R.addActor("old");
  older = R.addActor("older");
  fan = R.addActor("fan");
  const follow = await R.deliver(`${kith.core.urls.origin}/users/alice/inbox`, R.follow(fan, aliceUri));
  expect(follow.status).toBe(202);
  await waitFor(async () => (await kith.core.accounts.findById(alice.id))?.followersCount === 1, "the remote follow to be accepted");
}, 120_000);

afterAll(async () => {
  await kith?.destroy();
  await R?.close();
});

describe("REST /api/v1/accounts/aliases", SLOW, () => {
  it("starts empty", async () => {
    expect(await call("GET", "/api/v1/accounts/aliases")).toEqual({ status: 200, body: [] });
  });

  it("adds a remote account by handle (with a leading @) and by actor URL, in order", async () => {
    const byHandle = await add(`@${old.acct}`);
    expect(byHandle).toEqual({ status: 200, body: [{ acct: old.acct, uri: old.id }] });
    const byUrl = await add(older.id);
    expect(byUrl).toEqual({ status: 200, body: [{ acct: old.acct, uri: old.id }, { acct: older.acct, uri: older.id }] });
    expect((await call("GET", "/api/v1/accounts/aliases")).body).toEqual(byUrl.body);
  });

  it("publishes them as alsoKnownAs on the actor and sends followers' servers an Update{Person}", async () => {
    expect(asList((await actorDocument()).alsoKnownAs).sort()).toEqual([old.id, older.id].sort());
    const update = await updateAtFan([old.id, older.id]);
    expect(update.actor).toBe(aliceUri);
    expect(update.object.type).toBe("Person");
  });

  it("refuses a handle or URL that resolves to nothing", async () => {
    for (const target of [`nobody@${R.host}`, `${R.origin}/users/nobody`, "not a handle"]) {
      const res = await add(target);
      expect(res.status, target).toBe(422);
      expect(res.body.error).toBe(`Validation failed: ${target} could not be found`);
    }
  });

  it("refuses the account itself, by handle or URL", async () => {
    for (const target of ["alice", `alice@${kith.core.config.domain}`, aliceUri]) {
      expect(await add(target)).toEqual({ status: 422, body: { error: "Validation failed: an account cannot be an alias of itself" } });
    }
  });

  it("refuses an alias it has already, whichever way it is named", async () => {
    for (const target of [old.acct, old.id]) {
      expect(await add(target)).toEqual({ status: 422, body: { error: `Validation failed: ${old.acct} has already been taken` } });
    }
  });

  it("refuses a missing or blank acct, and a token without write:accounts", async () => {
    expect(await call("POST", "/api/v1/accounts/aliases", {})).toEqual({ status: 422, body: { error: "Validation failed: acct: the old account's handle (user@example.com) or URL is required" } });
    expect((await add("  ")).status).toBe(422);
    expect((await add(old.acct, readOnly)).status).toBe(403);
    expect((await call("GET", "/api/v1/accounts/aliases", undefined, readOnly)).status).toBe(200);
  });

  it("keeps at most 10 aliases", async () => {
    for (let i = 0; i < 8; i++) {
      await kith.core.accounts.createLocal(`other${i}`);
      expect((await add(`other${i}`)).status).toBe(200);
    }
    const res = await add(fan.acct);
    expect(res).toEqual({ status: 422, body: { error: "Validation failed: an account may have at most 10 aliases; remove one first" } });
    for (let i = 0; i < 8; i++) expect((await remove({ acct: `other${i}` })).status).toBe(200);
  });

  it("removes an alias by handle or by URI, and followers' servers hear of it", async () => {
    expect(await remove({ acct: `@${old.acct}` })).toEqual({ status: 200, body: [{ acct: older.acct, uri: older.id }] });
    expect(await remove({ uri: older.id })).toEqual({ status: 200, body: [] });
    expect((await actorDocument()).alsoKnownAs ?? []).toEqual([]);
    await updateAtFan([]);
  });

  it("answers 404 for an alias that is not there, 422 when none is named", async () => {
    expect(await remove({ acct: old.acct })).toEqual({ status: 404, body: { error: `${old.acct} is not one of your aliases` } });
    expect((await remove({})).status).toBe(422);
  });
});

describe("kith accounts alias", SLOW, () => {
  it("adds an account its server has never met, asking that account's server", async () => {
    const stranger = R.addActor("stranger");
    const added = await kithCli("accounts", "alias", "add", "alice", stranger.acct);
    expect(added.stderr).toBe("");
    expect(added.json.aliases).toEqual([{ acct: stranger.acct, uri: stranger.id }]);
    expect((await kithCli("accounts", "alias", "remove", "alice", stranger.id)).json.aliases).toEqual([]);
  });

  it("adds, lists and removes, printing one JSON line", async () => {
    const added = await kithCli("accounts", "alias", "add", "alice", old.acct);
    expect(added.stderr).toBe("");
    expect(added.code).toBe(0);
    expect(added.json).toMatchObject({ username: "alice", aliases: [{ acct: old.acct, uri: old.id }] });
    expect(asList((await actorDocument()).alsoKnownAs)).toEqual([old.id]);
    await updateAtFan([old.id]);

    const listed = await kithCli("accounts", "alias", "list", "alice");
    expect(listed.code).toBe(0);
    expect(listed.json.aliases).toEqual([{ acct: old.acct, uri: old.id }]);

    const removed = await kithCli("accounts", "alias", "remove", "alice", old.id);
    expect(removed.code).toBe(0);
    expect(removed.json.aliases).toEqual([]);
  });

  it("exits 1 with one line when refused", async () => {
    const cases: [string[], string][] = [
      [["add", "alice", "nobody"], "kith: Validation failed: nobody could not be found\n"],
      // The CLI asks other servers, as the server does: this one does not know the name.
      [["add", "alice", `nobody@${R.host}`], `kith: Validation failed: nobody@${R.host} could not be found\n`],
      [["add", "alice", "alice"], "kith: Validation failed: an account cannot be an alias of itself\n"],
      [["remove", "alice", old.acct], `kith: ${old.acct} is not one of your aliases\n`],
      [["list", "nosuchuser"], "kith: Account not found\n"],
    ];
    for (const [args, stderr] of cases) {
      const res = await kithCli("accounts", "alias", ...args);
      expect({ args, code: res.code, stderr: res.stderr, stdout: res.stdout }).toEqual({ args, code: 1, stderr, stdout: "" });
    }
  });

  it("exits 2 naming the mistake in the command line", async () => {
    const cases: [string[], RegExp][] = [
      [[], /missing list\|add\|remove/],
      [["rename", "alice"], /unknown action rename/],
      [["add", "alice"], /missing <handle-or-url>/],
      [["list"], /missing <username>/],
      [["list", "alice", "extra"], /unexpected argument extra/],
    ];
    for (const [args, stderr] of cases) {
      const res = await kithCli("accounts", "alias", ...args);
      expect(res.code, args.join(" ")).toBe(2);
      expect(res.stderr).toMatch(stderr);
      expect(res.stderr.trim().split("\n")).toHaveLength(1);
    }
  });
});

describe("kith accounts move", SLOW, () => {
  it("moves an account to one that names it as an alias, and refuses a second move inside the cooldown", async () => {
    const mover = await kith.core.accounts.createLocal("mover");
    const home = await kith.core.accounts.createLocal("home");
    const unaliased = await kithCli("accounts", "move", "mover", "home");
    expect(unaliased.code).toBe(1);
    expect(unaliased.stderr).toMatch(/^kith: Validation failed: home@\S+ does not list this account as an alias; add \S+\/users\/mover to its aliases/);
    await kith.core.aliases.add(home.id, mover.uri);
    const moved = await kithCli("accounts", "move", "mover", "home");
    expect(moved.stderr).toBe("");
    expect(moved.json).toMatchObject({ username: "mover", moved_to: home.uri });
    expect((await kith.core.accounts.findById(mover.id))?.movedToUri).toBe(home.uri);
    const again = await kithCli("accounts", "move", "mover", "home");
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/can move again on \d{4}-\d{2}-\d{2}/);
  });

  it("moves to an account on another server, which it asks then and there", async () => {
    const leaving = await kith.core.accounts.createLocal("leaving");
    const newHome = R.addActor("newhome", { alsoKnownAs: [leaving.uri] });
    const moved = await kithCli("accounts", "move", "leaving", newHome.acct);
    expect(moved.stderr).toBe("");
    expect(moved.json).toMatchObject({ username: "leaving", moved_to: newHome.id });
  });
});
