import type { Db } from "../db/client.ts";
import { queryRows } from "../db/direct.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { INSTANCE_ACTOR } from "../accounts/account.service.ts";

/** A LIKE pattern that matches `text` literally at the start. */
export function prefixPattern(text: string): string {
  return `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

const ids = (rows: { id: bigint }[]) => rows.map((r) => r.id);

// Search without a search engine: prefix matches for accounts and hashtags,
// Postgres full-text (`to_tsvector`, 'simple' so every language matches
// word for word) for statuses. Every query returns ids in rank order; the
// service loads the rows.

export class SearchRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  /**
   * Accounts whose username or display name (or a word of it) starts with
   * `term`, on `domain` when given: the exact username first, then local
   * accounts, then the most followed.
   */
  async accounts(q: { term: string; domain?: string | null; local?: boolean }, viewerId: bigint | null, options: { following: boolean; exclude: bigint[]; limit: number; offset: number }) {
    const p = prefixPattern(q.term);
    const rows = await queryRows<{ id: bigint }>(this.db, Prisma.sql`
      SELECT a.id FROM "Account" a
      WHERE a."suspendedAt" IS NULL
        AND NOT (a.domain IS NULL AND a.username = ${INSTANCE_ACTOR})
        AND (a.username ILIKE ${p} OR a."displayName" ILIKE ${p} OR a."displayName" ILIKE ${`% ${p}`})
        ${q.local ? Prisma.sql`AND a.domain IS NULL` : q.domain ? Prisma.sql`AND a.domain ILIKE ${prefixPattern(q.domain)}` : Prisma.empty}
        ${options.following && viewerId !== null
          ? Prisma.sql`AND EXISTS (SELECT 1 FROM "Follow" f WHERE f."followerId" = ${viewerId} AND f."followingId" = a.id AND f.state = 'accepted')`
          : Prisma.empty}
        ${options.exclude.length ? Prisma.sql`AND a.id <> ALL(${options.exclude}::bigint[])` : Prisma.empty}
      ORDER BY (lower(a.username) = lower(${q.term})) DESC, (a.domain IS NULL) DESC, a."followersCount" DESC, a.id
      LIMIT ${options.limit} OFFSET ${options.offset}`);
    return ids(rows);
  }

  /**
   * Statuses the viewer may see whose text matches the query: public and
   * unlisted ones, their own, those that mention them, and followers-only
   * posts of accounts they follow. Newest first.
   */
  async statuses(query: string, viewerId: bigint, options: { exclude: bigint[]; accountId?: bigint; limit: number; offset: number }) {
    const rows = await queryRows<{ id: bigint }>(this.db, Prisma.sql`
      SELECT s.id FROM "Status" s
      WHERE s."reblogOfId" IS NULL
        AND to_tsvector('simple', s."spoilerText" || ' ' || s.content) @@ websearch_to_tsquery('simple', ${query})
        AND (s.visibility IN ('public', 'unlisted')
          OR s."accountId" = ${viewerId}
          OR EXISTS (SELECT 1 FROM "Mention" m WHERE m."statusId" = s.id AND m."accountId" = ${viewerId})
          OR (s.visibility = 'private' AND EXISTS (
            SELECT 1 FROM "Follow" f WHERE f."followerId" = ${viewerId} AND f."followingId" = s."accountId" AND f.state = 'accepted')))
        ${options.accountId !== undefined ? Prisma.sql`AND s."accountId" = ${options.accountId}` : Prisma.empty}
        ${options.exclude.length ? Prisma.sql`AND s."accountId" <> ALL(${options.exclude}::bigint[])` : Prisma.empty}
      ORDER BY s.id DESC
      LIMIT ${options.limit} OFFSET ${options.offset}`);
    return ids(rows);
  }

  /** Hashtags starting with `prefix` (stored lower-case): the exact one first, then the shortest. */
  async hashtags(prefix: string, options: { limit: number; offset: number }) {
    const rows = await queryRows<{ id: bigint }>(this.db, Prisma.sql`
      SELECT t.id FROM "Tag" t
      WHERE t.name LIKE ${prefixPattern(prefix.toLowerCase())}
      ORDER BY (t.name = ${prefix.toLowerCase()}) DESC, length(t.name), t.name
      LIMIT ${options.limit} OFFSET ${options.offset}`);
    return ids(rows);
  }

  tagsByIds(tagIds: bigint[]) {
    return this.db.tag.findMany({ where: { id: { in: tagIds } } });
  }

  tagByName(name: string) {
    return this.db.tag.findUnique({ where: { name: name.toLowerCase() } });
  }
}
