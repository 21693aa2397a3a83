import type { Db } from "../db/client.ts";
import { execute, queryRows } from "../db/direct.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { activeMute } from "../mutes/mute.repository.ts";
import { statusInclude } from "../statuses/status.repository.ts";

type Range = { lt?: bigint; gt?: bigint } | undefined;

/** Neither a post by a hidden account nor a reblog of one. */
function notHidden(hidden: bigint[]): Prisma.StatusWhereInput {
  if (!hidden.length) return {};
  return { accountId: { notIn: hidden }, NOT: { reblogOf: { accountId: { in: hidden } } } };
}

/** The domains a viewer blocks for itself; Mastodon keeps the follows it had there, and their posts. */
export type ViewerDomainBlocks = { viewerId: bigint; domains: string[] };

/** From a blocked domain: neither a post by an account the viewer does not follow, nor a reblog of a post. */
function notFromBlockedDomains(blocked?: ViewerDomainBlocks): Prisma.StatusWhereInput {
  if (!blocked?.domains.length) return {};
  const { viewerId, domains } = blocked;
  return {
    NOT: [
      { account: { domain: { in: domains }, followers: { none: { followerId: viewerId, state: "accepted" } } } },
      { reblogOf: { account: { domain: { in: domains } } } },
    ],
  };
}

const hiding = (hidden: bigint[], blocked?: ViewerDomainBlocks): Prisma.StatusWhereInput | null =>
  hidden.length || blocked?.domains.length ? { AND: [notHidden(hidden), notFromBlockedDomains(blocked)] } : null;

// The read side of timelines: feeds written at fan-out time and read with one
// index range scan each, plus the audience queries fan-out needs.

export class TimelineRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  /** One statement whatever the number of feeds (its text, and so its prepared plan, never varies). */
  async addToFeeds(statusId: bigint, accountIds: bigint[]) {
    if (!accountIds.length) return;
    await execute(this.db, Prisma.sql`
      INSERT INTO "HomeFeedEntry" ("accountId", "statusId") SELECT unnest(${accountIds}::bigint[]), ${statusId}::bigint ON CONFLICT DO NOTHING`);
  }

  async addToListFeeds(statusId: bigint, listIds: bigint[]) {
    if (!listIds.length) return;
    await this.db.listFeedEntry.createMany({ data: listIds.map((listId) => ({ listId, statusId })), skipDuplicates: true });
  }

  /** One index range scan on (accountId, statusId), then the statuses by primary key. */
  async home(accountId: bigint, range: Range, limit: number, ascending: boolean, hidden: bigint[], blocked?: ViewerDomainBlocks) {
    const status = hiding(hidden, blocked);
    const entries = await this.db.homeFeedEntry.findMany({
      where: { accountId, ...(range ? { statusId: range } : {}), ...(status ? { status } : {}) },
      orderBy: { statusId: ascending ? "asc" : "desc" },
      take: limit,
      select: { statusId: true },
    });
    return this.statusesInOrder(entries.map((e) => e.statusId));
  }

  /** The same shape for a list: one range scan on ListFeedEntry's (listId, statusId) key. */
  async list(listId: bigint, range: Range, limit: number, ascending: boolean, hidden: bigint[], blocked?: ViewerDomainBlocks) {
    const where = hiding(hidden, blocked);
    const entries = await this.db.listFeedEntry.findMany({
      where: { listId, ...(range ? { statusId: range } : {}) },
      orderBy: { statusId: ascending ? "asc" : "desc" },
      // List entries carry no foreign key, so hidden authors are dropped after the scan; ask for a little more.
      take: where ? limit * 2 : limit,
      select: { statusId: true },
    });
    const statuses = await this.statusesInOrder(entries.map((e) => e.statusId), where ?? {});
    return statuses.slice(0, limit);
  }

  /** A page of the account's favourites, keyed by favourite id (Mastodon's Link pagination). */
  async favourites(accountId: bigint, range: Range, limit: number, ascending: boolean) {
    const rows = await this.db.favourite.findMany({
      where: { accountId, ...(range ? { id: range } : {}) },
      orderBy: { id: ascending ? "asc" : "desc" },
      take: limit,
      select: { id: true, statusId: true },
    });
    const statuses = new Map((await this.statusesInOrder(rows.map((r) => r.statusId))).map((s) => [s.id, s]));
    return rows.flatMap((r) => (statuses.has(r.statusId) ? [{ id: r.id, status: statuses.get(r.statusId)! }] : []));
  }

  private async statusesInOrder(ids: bigint[], where: Prisma.StatusWhereInput = {}) {
    if (!ids.length) return [];
    const statuses = await this.db.status.findMany({ where: { id: { in: ids }, ...where }, include: statusInclude });
    const byId = new Map(statuses.map((s) => [s.id, s]));
    return ids.map((id) => byId.get(id)).filter((s) => s !== undefined);
  }

  /**
   * Fan-out of a status in one statement: writes it into the home feeds of
   * `others` (its author, mentioned and tag followers) and of the local
   * followers of its author, except those who turned off the author's
   * reblogs (for a reblog) or keep the author in an exclusive list; returns
   * the followers with their follow options, the lists the author is a member
   * of, and whose homes it reached.
   */
  async fanOutToHomes(statusId: bigint, authorId: bigint, others: bigint[], reblog: boolean) {
    const rows = await queryRows<{ kind: "follower" | "list" | "home"; id: bigint; showReblogs: boolean | null; notify: boolean | null; ownerId: bigint | null; repliesPolicy: string | null; exclusive: boolean | null }>(this.db, Prisma.sql`
      WITH followers AS (
        SELECT f."followerId" AS id, f."showReblogs", f.notify
        FROM "Follow" f JOIN "Account" a ON a.id = f."followerId"
        WHERE f."followingId" = ${authorId}::bigint AND f.state = 'accepted' AND a.domain IS NULL
      ), lists AS (
        SELECT l.id, l."accountId" AS "ownerId", l."repliesPolicy", l.exclusive
        FROM "ListAccount" la JOIN "List" l ON l.id = la."listId"
        WHERE la."accountId" = ${authorId}::bigint
      ), home AS (
        SELECT unnest(${others}::bigint[]) AS id
        UNION
        SELECT id FROM followers
        WHERE (NOT ${reblog}::boolean OR "showReblogs") AND id NOT IN (SELECT "ownerId" FROM lists WHERE exclusive)
      ), written AS (
        INSERT INTO "HomeFeedEntry" ("accountId", "statusId") SELECT id, ${statusId}::bigint FROM home ON CONFLICT DO NOTHING
      )
      SELECT 'follower' AS kind, id, "showReblogs", notify, NULL::bigint AS "ownerId", NULL::text AS "repliesPolicy", NULL::boolean AS exclusive FROM followers
      UNION ALL SELECT 'list', id, NULL, NULL, "ownerId", "repliesPolicy", exclusive FROM lists
      UNION ALL SELECT 'home', id, NULL, NULL, NULL, NULL, NULL FROM home`);
    const followers: { id: bigint; showReblogs: boolean; notify: boolean }[] = [];
    const lists: { id: bigint; ownerId: bigint; repliesPolicy: string; exclusive: boolean }[] = [];
    const home: bigint[] = [];
    for (const r of rows) {
      if (r.kind === "follower") followers.push({ id: r.id, showReblogs: r.showReblogs!, notify: r.notify! });
      else if (r.kind === "list") lists.push({ id: r.id, ownerId: r.ownerId!, repliesPolicy: r.repliesPolicy!, exclusive: r.exclusive! });
      else home.push(r.id);
    }
    return { followers, lists, home };
  }

  /**
   * Local accounts that follow any of these tags and would see the post: none
   * blocks or mutes its author or anyone it mentions, is blocked by its author
   * or blocks the author's domain (Mastodon's filter for followed tags).
   */
  tagFollowersOf(tagIds: bigint[], author: { id: bigint; domain: string | null }, involvedIds: bigint[], now = new Date()) {
    return this.db.tagFollow
      .findMany({
        where: {
          tagId: { in: tagIds },
          account: {
            domain: null,
            suspendedAt: null,
            blocking: { none: { targetId: { in: involvedIds } } },
            blockedBy: { none: { accountId: author.id } },
            mutes: { none: { targetId: { in: involvedIds }, ...activeMute(now) } },
            ...(author.domain ? { domainBlocks: { none: { domain: author.domain } } } : {}),
          },
        },
        select: { accountId: true },
        distinct: ["accountId"],
      })
      .then((rows) => rows.map((r) => r.accountId));
  }

  /** Which of these accounts follow `targetId`. */
  followersAmong(targetId: bigint, accountIds: bigint[]) {
    if (!accountIds.length) return Promise.resolve(new Set<bigint>());
    return this.db.follow
      .findMany({ where: { followingId: targetId, followerId: { in: accountIds }, state: "accepted" }, select: { followerId: true } })
      .then((rows) => new Set(rows.map((r) => r.followerId)));
  }

  /** Which of these lists have `accountId` as a member. */
  listsWithMember(accountId: bigint, listIds: bigint[]) {
    if (!listIds.length) return Promise.resolve(new Set<bigint>());
    return this.db.listAccount
      .findMany({ where: { accountId, listId: { in: listIds } }, select: { listId: true } })
      .then((rows) => new Set(rows.map((r) => r.listId)));
  }
}
