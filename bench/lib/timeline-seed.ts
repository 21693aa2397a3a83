import type pg from "pg";
import { now } from "./env.ts";

// Seeds the Prisma schema's tables with SQL (INSERT … SELECT generate_series):
// `accounts` accounts (three in four local, with User rows; the rest on 50
// remote domains), each following `follows` others; `posts` statuses spread
// round-robin over the authors, one second apart, with Kith's time-ordered
// ids (ms << 16); 5 % unlisted, 5 % private, 5 % reblogs, 10 % with a mention,
// 10 % with a hashtag; and the home-feed rows Kith's fan-out-on-write would
// have written (the author if local, and every local follower).
//
// Secondary indexes are dropped during the bulk insert and rebuilt from their
// own definitions afterwards (the schema ends as migrated); FK triggers are
// skipped for the session (session_replication_role = replica).

export type SeedSize = { accounts: number; posts: number; follows: number };

async function timed<T>(log: string[], label: string, fn: () => Promise<T>): Promise<T> {
  const t0 = now();
  const out = await fn();
  log.push(`${label}: ${Math.round(now() - t0)} ms`);
  return out;
}

/** Drops a table's secondary indexes (and its primary key if nothing references it); returns how to rebuild them. */
async function dropIndexes(client: pg.Client, table: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string; def: string; primary: boolean; referenced: boolean; constraint: string | null }>(
    `SELECT i.relname AS name, pg_get_indexdef(x.indexrelid) AS def, x.indisprimary AS primary,
            EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.confrelid = x.indrelid) AS referenced,
            (SELECT c.conname FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid AND c.contype IN ('p', 'u', 'x')) AS constraint
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
      WHERE t.relname = $1 AND t.relnamespace = 'public'::regnamespace`,
    [table],
  );
  const rebuild: string[] = [];
  for (const r of rows) {
    if (r.constraint) {
      if (r.referenced) continue;
      const def = await client.query<{ def: string }>(`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = $1 AND conrelid = $2::regclass`, [r.constraint, `"${table}"`]);
      await client.query(`ALTER TABLE "${table}" DROP CONSTRAINT "${r.constraint}"`);
      rebuild.push(`ALTER TABLE "${table}" ADD CONSTRAINT "${r.constraint}" ${def.rows[0]!.def}`);
    } else {
      await client.query(`DROP INDEX "${r.name}"`);
      rebuild.push(r.def);
    }
  }
  return rebuild;
}

export async function seedTimelines(client: pg.Client, origin: string, size: SeedSize): Promise<string[]> {
  const log: string[] = [];
  const { accounts: n, posts: p, follows: f } = size;
  const step = Math.floor(n / f);
  const nowMs = Date.now();
  // id(i) for status i: Kith's layout, milliseconds << 16 plus a sequence.
  const id = (i: string) => `((($3::bigint - ($2::bigint - ${i}) * 1000) * 65536) + (${i} % 65536))`;
  const author = (i: string) => `((${i} * 7919) % $1::bigint + 1)`;

  await client.query("SET session_replication_role = replica");
  await client.query("SET synchronous_commit = off");
  await client.query("SET maintenance_work_mem = '512MB'");
  const rebuild: string[] = [];
  for (const table of ["Account", "Follow", "Status", "Mention", "StatusTag", "HomeFeedEntry"]) rebuild.push(...(await dropIndexes(client, table)));

  await timed(log, "accounts", () =>
    client.query(
      `INSERT INTO "Account" (id, username, domain, uri, url, "inboxUrl", "sharedInboxUrl", "outboxUrl", "followersUrl", "followingUrl",
                              "displayName", note, "updatedAt", "createdAt", "fetchedAt", "publicKeyId")
       SELECT i, 'user' || i, d, base, CASE WHEN d IS NULL THEN $2 || '/@user' || i ELSE base END,
              base || '/inbox', CASE WHEN d IS NULL THEN $2 || '/inbox' ELSE 'https://' || d || '/inbox' END,
              base || '/outbox', base || '/followers', base || '/following',
              'User ' || i, '<p>Bio of user ' || i || '</p>', now(), now() - interval '400 days', CASE WHEN d IS NULL THEN NULL ELSE now() END,
              base || '#main-key'
       FROM (SELECT i, CASE WHEN i % 4 = 3 THEN 'remote' || (i % 50) || '.example' END AS d FROM generate_series(1, $1::int) i) g,
            LATERAL (SELECT CASE WHEN d IS NULL THEN $2 || '/users/user' || i ELSE 'https://' || d || '/users/user' || i END AS base) b`,
      [n, origin],
    ),
  );
  await client.query(`INSERT INTO "User" ("accountId") SELECT id FROM "Account" WHERE domain IS NULL`);
  await timed(log, "follows", () =>
    client.query(
      `INSERT INTO "Follow" (id, "followerId", "followingId", uri, state, "createdAt")
       SELECT i * 64 + k, i, ((i - 1 + 1 + k * $2::int) % $1::int) + 1, $3 || '/follows/' || i || '-' || k, 'accepted', now() - interval '300 days'
       FROM generate_series(1, $1::int) i, generate_series(0, $4::int - 1) k`,
      [n, step, origin, f],
    ),
  );
  await timed(log, "statuses", () =>
    client.query(
      `INSERT INTO "Status" (id, uri, url, "accountId", local, content, text, visibility, language, "reblogOfId", "createdAt", "updatedAt")
       SELECT sid, CASE WHEN reblog THEN base || '/activity' ELSE base END, base, a, loc,
              CASE WHEN reblog THEN '' ELSE '<p>Post number ' || i || ': ' || repeat('lorem ipsum dolor sit amet ', 5) || '</p>' END,
              CASE WHEN loc AND NOT reblog THEN 'Post number ' || i END,
              (CASE WHEN reblog THEN 'public' WHEN i % 20 = 0 THEN 'unlisted' WHEN i % 20 = 1 THEN 'private' ELSE 'public' END)::"Visibility",
              'en', CASE WHEN reblog THEN ${id("(i - 999)")} END, ts, ts
       FROM (SELECT i, ${id("i")} AS sid, ${author("i")} AS a, (i % 20 = 2 AND i > 1000) AS reblog,
                    to_timestamp(($3::bigint - ($2::bigint - i) * 1000) / 1000.0) AS ts
               FROM generate_series(1, $2::bigint) i) g,
            LATERAL (SELECT a % 4 <> 3 AS loc) l,
            LATERAL (SELECT CASE WHEN loc THEN $4 || '/users/user' || a ELSE 'https://remote' || (a % 50) || '.example/users/user' || a END || '/statuses/' || sid AS base) b`,
      [n, p, nowMs, origin],
    ),
  );
  await timed(log, "mentions+tags", async () => {
    await client.query(`INSERT INTO "Mention" ("statusId", "accountId") SELECT ${id("i")}, ((i * 31) % $1::bigint) + 1 FROM generate_series(1, $2::bigint) i WHERE i % 10 = 5`, [n, p, nowMs]);
    await client.query(`INSERT INTO "Tag" (id, name) SELECT t, 'tag' || t FROM generate_series(1, 50) t`);
    await client.query(`INSERT INTO "StatusTag" ("statusId", "tagId") SELECT ${id("i")}, (i % 50) + 1 FROM generate_series(1, $2::bigint) i WHERE i % 10 = 7 AND $1::int > 0`, [n, p, nowMs]);
  });
  const feed = await timed(log, "home feeds", () =>
    client.query(
      `INSERT INTO "HomeFeedEntry" ("accountId", "statusId")
       SELECT s."accountId", s.id FROM "Status" s WHERE s.local AND s.visibility <> 'direct'
       UNION ALL
       SELECT f."followerId", s.id FROM "Status" s
         JOIN "Follow" f ON f."followingId" = s."accountId" AND f.state = 'accepted'
         JOIN "Account" fa ON fa.id = f."followerId" AND fa.domain IS NULL
        WHERE s.visibility <> 'direct'`,
    ),
  );
  log.push(`home feed rows: ${feed.rowCount}`);
  await timed(log, "counters", async () => {
    await client.query(
      `UPDATE "Account" a SET "statusesCount" = c.n, "lastStatusAt" = c.last
       FROM (SELECT "accountId", count(*) AS n, max("createdAt") AS last FROM "Status" GROUP BY "accountId") c WHERE c."accountId" = a.id`,
    );
    await client.query(`UPDATE "Account" SET "followersCount" = $1, "followingCount" = $1`, [f]);
  });
  await timed(log, "indexes", async () => {
    for (const sql of rebuild) await client.query(sql);
  });
  await client.query("SET session_replication_role = origin");
  await timed(log, "analyze", () => client.query("ANALYZE"));
  return log;
}
