import type pg from "pg";

// Seeding through SQL (fast, and not what is measured): remote accounts on
// loopback hosts and their accepted follows of a local account, in the rows
// Kith itself would have written after a Follow/Accept exchange.

let nextBlock = 0n;

/** Ids below anything kith_id() makes now (time-ordered, ten days ago), unique per call. */
function idBase(): bigint {
  nextBlock += 1n;
  return ((BigInt(Date.now() - 10 * 86_400_000) << 16n) + nextBlock * 1_000_000_000n) & 0x7fffffffffffffffn;
}

/**
 * For every host ("127.1.1.1:4000"), `perHost` remote accounts whose shared
 * inbox is http://<host>/inbox, each following `targetId` (accepted).
 * Returns how many followers were created.
 */
export async function seedRemoteFollowers(client: pg.Client, targetId: bigint, hosts: string[], perHost = 1, label = "u"): Promise<number> {
  const base = idBase();
  await client.query("BEGIN");
  try {
    await client.query(
      `INSERT INTO "Account" (id, username, domain, uri, url, "inboxUrl", "sharedInboxUrl", "followersUrl", "publicKeyId", "updatedAt", "fetchedAt")
       SELECT $1::bigint + (h.ord - 1) * $3::int + k,
              $4 || k, h.host,
              'http://' || h.host || '/users/' || $4 || k,
              'http://' || h.host || '/@' || $4 || k,
              'http://' || h.host || '/users/' || $4 || k || '/inbox',
              'http://' || h.host || '/inbox',
              'http://' || h.host || '/users/' || $4 || k || '/followers',
              'http://' || h.host || '/users/' || $4 || k || '#main-key',
              now(), now()
       FROM unnest($2::text[]) WITH ORDINALITY AS h(host, ord), generate_series(0, $3::int - 1) AS k`,
      [String(base), hosts, perHost, label],
    );
    const follows = await client.query(
      `INSERT INTO "Follow" (id, "followerId", "followingId", uri, state)
       SELECT a.id + 500000000, a.id, $2::bigint, a.uri || '#follows/' || $2::text, 'accepted'
       FROM "Account" a WHERE a.id >= $1::bigint AND a.id < $1::bigint + 500000000`,
      [String(base), String(targetId)],
    );
    await client.query(`UPDATE "Account" SET "followersCount" = "followersCount" + $2 WHERE id = $1`, [String(targetId), follows.rowCount]);
    await client.query(
      `UPDATE "Account" SET "followingCount" = 1 WHERE id >= $1::bigint AND id < $1::bigint + 500000000`,
      [String(base)],
    );
    await client.query("COMMIT");
    return follows.rowCount ?? 0;
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  }
}

/**
 * `count` local accounts (sharing the key pair of `keysOf`, so none is made
 * here) following `targetId`, accepted. Returns how many follows were made.
 */
export async function seedLocalFollowers(client: pg.Client, targetId: bigint, count: number, keysOf: bigint, origin: string, label: string): Promise<number> {
  const base = idBase();
  await client.query("BEGIN");
  try {
    await client.query(
      `INSERT INTO "Account" (id, username, uri, url, "updatedAt")
       SELECT $1::bigint + n, $3 || n, $4 || '/users/' || $3 || n, $4 || '/@' || $3 || n, now() FROM generate_series(1, $2::int) AS n`,
      [String(base), count, label, origin],
    );
    await client.query(
      `INSERT INTO "KeyPair" ("accountId", algorithm, "publicJwk", "privateJwk")
       SELECT a.id, k.algorithm, k."publicJwk", k."privateJwk" FROM "Account" a JOIN "KeyPair" k ON k."accountId" = $3::bigint
       WHERE a.id > $1::bigint AND a.id <= $1::bigint + $2::int`,
      [String(base), count, String(keysOf)],
    );
    const follows = await client.query(
      `INSERT INTO "Follow" (id, "followerId", "followingId", uri, state)
       SELECT a.id + 500000000, a.id, $3::bigint, a.uri || '#follows/' || $3::text, 'accepted'
       FROM "Account" a WHERE a.id > $1::bigint AND a.id <= $1::bigint + $2::int`,
      [String(base), count, String(targetId)],
    );
    await client.query(`UPDATE "Account" SET "followersCount" = "followersCount" + $2 WHERE id = $1`, [String(targetId), follows.rowCount]);
    await client.query("COMMIT");
    // As autovacuum would soon after such a write on a live server.
    await client.query(`ANALYZE "Account", "Follow", "KeyPair"`);
    return follows.rowCount ?? 0;
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  }
}
