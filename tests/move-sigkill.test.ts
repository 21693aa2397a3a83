import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFixture } from "./helpers/fixtures.ts";
import { KithInstance, type TestAccount } from "./helpers/instance.ts";
import { RemoteServer, type RemoteActor } from "./helpers/remote-actor.ts";
import { waitFor } from "./helpers/wait.ts";

// A Move of an account with 2,000 local followers, whose worker is killed
// (SIGKILL) while it moves them: another worker picks the job up where the
// killed one left it, and every follower ends up following the target
// exactly once, with one move notification each.

const FOLLOWERS = 2_000;

let K: KithInstance;
let R: RemoteServer;
let db: pg.Client;
let old: RemoteActor;
let neu: TestAccount;
let oldId: string;

const count = async (sql: string, params: unknown[] = []) => Number((await db.query<{ n: string }>(sql, params)).rows[0]!.n);
const followersOf = (accountId: string) => count(`SELECT count(*) AS n FROM "Follow" WHERE "followingId" = $1`, [accountId]);

beforeAll(async () => {
  [K, R] = await Promise.all([KithInstance.create("move_sigkill"), RemoteServer.start()]);
  await K.start("web");
  db = new pg.Client({ connectionString: K.env.DATABASE_URL });
  await db.connect();
  neu = await K.createAccount("neu");
  old = R.addActor("old");
  oldId = await K.resolve(neu.token, old.acct);
  await K.api(neu.token, "POST", "/api/v1/accounts/aliases", { acct: old.acct });
  // The followers are written directly, sharing the key pair of one account made the usual way.
  const template = await K.createAccount("template");
  await db.query(
    `INSERT INTO "Account" (username, uri, url, "updatedAt")
     SELECT 'f' || n, $1 || '/users/f' || n, $1 || '/@f' || n, now() FROM generate_series(1, $2::int) AS n`,
    [K.origin, FOLLOWERS],
  );
  await db.query(
    `INSERT INTO "KeyPair" ("accountId", algorithm, "publicJwk", "privateJwk")
     SELECT a.id, k.algorithm, k."publicJwk", k."privateJwk" FROM "Account" a, "KeyPair" k
     WHERE a.username LIKE 'f%' AND a.domain IS NULL AND k."accountId" = $1`,
    [template.id],
  );
  await db.query(
    `INSERT INTO "Follow" ("followerId", "followingId", uri, state)
     SELECT a.id, $1, $2 || '/follows/' || a.id, 'accepted' FROM "Account" a WHERE a.username LIKE 'f%' AND a.domain IS NULL`,
    [oldId, K.origin],
  );
  expect(await followersOf(oldId)).toBe(FOLLOWERS);
}, 120_000);

afterAll(async () => {
  await db?.end();
  await Promise.all([K?.destroy(), R?.close()]);
});

describe("a 2,000-follower move whose worker is killed", () => {
  it("moves every follower exactly once", { timeout: 180_000 }, async () => {
    const doomed = K.spawnWorker();
    const move = { ...readFixture("mastodon/ap-move.json"), id: `${old.id}#moves/1`, actor: old.id, object: old.id, target: `${K.origin}/users/neu`, to: old.followers };
    expect((await R.deliver(`${K.origin}/inbox`, move)).status).toBe(202);
    // Killed with followers on both sides of the line.
    await waitFor(async () => (await followersOf(neu.id)) >= 100, "the move to get going", 60_000, 20);
    await doomed.stop("SIGKILL");
    const movedAtKill = await followersOf(neu.id);
    expect(movedAtKill).toBeLessThan(FOLLOWERS);
    K.spawnWorker();
    await waitFor(async () => (await followersOf(neu.id)) === FOLLOWERS && (await followersOf(oldId)) === 0, "every follower to follow neu", 120_000, 250);
    const duplicates = await count(`SELECT count(*) AS n FROM (SELECT "followerId" FROM "Follow" WHERE "followingId" = $1 GROUP BY 1 HAVING count(*) > 1) d`, [neu.id]);
    expect(duplicates).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM "Notification" WHERE type = 'move' AND "fromAccountId" = $1`, [oldId])).toBe(FOLLOWERS);
    await waitFor(async () => count(`SELECT count(*) AS n FROM "AccountMove" WHERE "finishedAt" IS NOT NULL AND "followersTotal" = $1 AND "followersFailed" = 0`, [FOLLOWERS]).then((n) => n === 1), "the move to be finished with every follower counted", 30_000, 250);
    expect((await K.api(neu.token, "GET", "/api/v1/accounts/verify_credentials")).body.followers_count).toBe(FOLLOWERS);
  });
});
