import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Account } from "../src/accounts/account.repository.ts";
import { createRedis } from "../src/redis.ts";
import { INBOX_OUTCOMES, readCounters, statsKey } from "../src/stats/redis-counters.ts";
import { readFixture } from "./helpers/fixtures.ts";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";
import { REDIS } from "./helpers/instance.ts";
import { RemoteServer, type Json, type RemoteActor } from "./helpers/remote-actor.ts";
import { waitFor } from "./helpers/wait.ts";

// A Move received from Mastodon-shaped servers. Local bob and carol follow
// `old`; the Move built from Mastodon's documented JSON moves them to `neu`,
// which lists `old` as an alias. Each broken variant is delivered first and
// must be left alone, counted under its outcome, with nobody's follow lost.

let kith: InProcess;
let R: RemoteServer;
let blockedServer: RemoteServer;
let redis: Redis;
let bob: Account;
let carol: Account;
let old: RemoteActor;
let neu: RemoteActor;
let oldAccount: Account;
let bobList: bigint;
let serial = 0;

const inbox = () => `${kith.core.urls.origin}/inbox`;
const outcomes = () => readCounters(redis, statsKey(kith.core.config.redisPrefix, INBOX_OUTCOMES));

/** Mastodon's Move (tests/fixtures/mastodon/ap-move.json) for these actors. */
function move(actor: RemoteActor, target: string, overrides: Json = {}): Json {
  const fixture = readFixture("mastodon/ap-move.json");
  return { ...fixture, id: `${actor.id}#moves/${++serial}`, actor: actor.id, object: actor.id, target, to: actor.followers, ...overrides };
}

/** Delivers an activity and waits until the inbox has counted it under `outcome`. */
async function deliverExpecting(activity: Json, outcome: string, options: Parameters<RemoteServer["deliver"]>[2] = {}) {
  const before = (await outcomes())[outcome] ?? 0;
  const res = await R.deliver(inbox(), activity, options);
  expect(res.status, res.body).toBe(202);
  await waitFor(async () => ((await outcomes())[outcome] ?? 0) > before, `the Move to be counted as ${outcome}`);
}

/** The remote actors `who` follows or asked to follow, among those the servers here serve. */
async function follows(who: Account): Promise<string[]> {
  const actors = [...R.actors.values(), ...blockedServer.actors.values()];
  const known = await kith.core.accounts.findByUris(actors.map((a) => a.id));
  const followed = await Promise.all(known.map(async (a) => ((await kith.core.follows.findFollow(who.id, a.id)) ? a.uri : null)));
  return followed.filter((uri): uri is string => uri !== null).sort();
}

async function remote(actor: RemoteActor): Promise<Account> {
  const account = await kith.core.accounts.resolveUri(actor.id);
  if (!account) throw new Error(`cannot resolve ${actor.id}`);
  return account;
}

beforeAll(async () => {
  [kith, R, blockedServer] = await Promise.all([startInProcess("move_inbound"), RemoteServer.start(), RemoteServer.start()]);
  redis = createRedis(REDIS);
  bob = await kith.core.accounts.createLocal("bob");
  carol = await kith.core.accounts.createLocal("carol");
  old = R.addActor("old");
  neu = R.addActor("neu", { alsoKnownAs: [old.id] });
  oldAccount = await remote(old);
  for (const who of [bob, carol]) {
    await kith.core.follows.follow(who.id, oldAccount.id, { notify: who === bob });
    await kith.core.follows.receiveAccept(who.id, oldAccount.id);
  }
  bobList = (await kith.core.lists.create(bob.id, { title: "Old friends", repliesPolicy: "list", exclusive: false })).id;
  await kith.core.lists.addMembers(bob.id, bobList, [oldAccount.id]);
}, 60_000);

afterAll(async () => {
  await redis?.quit();
  await kith?.destroy();
  await Promise.all([R?.close(), blockedServer?.close()]);
});

describe("an inbound Move", { timeout: 60_000 }, () => {
  const unchanged = async () => {
    expect(await follows(bob)).toEqual([old.id]);
    expect(await follows(carol)).toEqual([old.id]);
  };

  it("is ignored when its actor moves someone else (actor ≠ object)", async () => {
    const mallory = R.addActor("mallory", { alsoKnownAs: [old.id] });
    await deliverExpecting(move(mallory, mallory.id, { object: old.id }), "not-theirs");
    await unchanged();
  });

  it("is refused at the door when another key signs it", async () => {
    const other = R.addActor("other");
    const res = await R.deliver(inbox(), move(old, neu.id), { signAs: other });
    expect(res.status).toBeGreaterThanOrEqual(400);
    await unchanged();
  });

  it("is ignored when the target does not list the origin as an alias", async () => {
    const stranger = R.addActor("stranger");
    await deliverExpecting(move(old, stranger.id), "refused");
    await unchanged();
  });

  it("is ignored when the target has moved itself", async () => {
    const gone = R.addActor("gone", { alsoKnownAs: [old.id], movedTo: `${R.origin}/users/elsewhere` });
    await deliverExpecting(move(old, gone.id), "refused");
    await unchanged();
  });

  it("is ignored when the target is suspended here", async () => {
    const suspended = R.addActor("suspended", { alsoKnownAs: [old.id] });
    const account = await remote(suspended);
    await kith.core.moderation.accounts.act(null, account.id, { type: "suspend" });
    await deliverExpecting(move(old, suspended.id), "refused");
    await unchanged();
  });

  it("is ignored when the target lives on a blocked domain", async () => {
    const hidden = blockedServer.addActor("hidden", { alsoKnownAs: [old.id] });
    await kith.core.moderation.domains.block(blockedServer.host, { severity: "suspend" });
    await deliverExpecting(move(old, hidden.id), "unknown-target");
    await unchanged();
  });

  it("is ignored when it claims to move a local account", async () => {
    const res = await R.deliver(inbox(), move(old, neu.id, { actor: `${kith.core.urls.origin}/users/bob`, object: `${kith.core.urls.origin}/users/bob` }), { signAs: old });
    expect(res.status).toBeGreaterThanOrEqual(400);
    await unchanged();
  });

  it("moves every local follower to the target, keeping their bell and lists, with a move notification", async () => {
    await deliverExpecting(move(old, neu.id), "handled");
    const neuAccount = await remote(neu);
    await waitFor(async () => (await follows(bob)).includes(neu.id) && (await follows(carol)).includes(neu.id), "bob and carol to follow neu");
    await waitFor(async () => !(await follows(bob)).includes(old.id) && !(await follows(carol)).includes(old.id), "bob and carol to stop following old");
    // The Follows went to neu's server, and the Undos of the old follows to old's.
    await waitFor(async () => R.inboxActivities("Follow").filter((f) => f.object === neu.id).length === 2, "two Follows of neu at its server");
    await waitFor(async () => R.inboxActivities("Undo").filter((u) => u.object?.type === "Follow" && u.object?.object === old.id).length === 2, "two Undo{Follow} of old");
    const [relationship] = await kith.core.follows.relationships(bob.id, [neuAccount.id]);
    expect(relationship).toMatchObject({ requested: true, notifying: true });
    const members = await kith.core.lists.members(bob.id, bobList, { limit: 10 });
    expect(members.map((a) => a.id)).toContain(neuAccount.id);
    for (const who of [bob, carol]) {
      const notes = await kith.core.notifications.list(who.id, { limit: 10 });
      expect(notes.map((n) => [n.type, n.fromAccountId])).toEqual([["move", oldAccount.id]]);
    }
    expect((await kith.core.accounts.findById(oldAccount.id))?.movedToUri).toBe(neu.id);
  });

  it("ignores a second Move of the same account within a week", async () => {
    old.extra.movedTo = neu.id;
    const next = R.addActor("next", { alsoKnownAs: [old.id] });
    await deliverExpecting(move(old, next.id), "refused");
    expect(await follows(bob)).toEqual([neu.id]);
  });

  it("ignores a Move back to an account that has itself moved (A → B → A)", async () => {
    old.extra.alsoKnownAs = [neu.id];
    await deliverExpecting(move(neu, old.id), "refused");
    expect(await follows(bob)).toEqual([neu.id]);
    expect(await follows(carol)).toEqual([neu.id]);
  });
});
