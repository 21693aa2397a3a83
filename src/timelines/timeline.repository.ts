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
   * Who a new post of `authorId` reaches, in one query: its local followers
   * with their follow options, and the lists it is a member of (an exclusive
   * list keeps the author out of its owner's home).
   */
  async audienceOf(authorId: bigint) {
    const rows = await queryRows<{ followerId: bigint | null; showReblogs: boolean | null; notify: boolean | null; listId: bigint | null; ownerId: bigint | null; repliesPolicy: string | null; exclusive: boolean | null }>(this.db, Prisma.sql`
      SELECT f."followerId", f."showReblogs", f.notify, NULL::bigint AS "listId", NULL::bigint AS "ownerId", NULL::text AS "repliesPolicy", NULL::boolean AS exclusive
      FROM "Follow" f JOIN "Account" a ON a.id = f."followerId"
      WHERE f."followingId" = ${authorId}::bigint AND f.state = 'accepted' AND a.domain IS NULL
      UNION ALL
      SELECT NULL, NULL, NULL, l.id, l."accountId", l."repliesPolicy", l.exclusive
      FROM "ListAccount" la JOIN "List" l ON l.id = la."listId"
      WHERE la."accountId" = ${authorId}::bigint`);
    const followers: { id: bigint; showReblogs: boolean; notify: boolean }[] = [];
    const lists: { id: bigint; ownerId: bigint; repliesPolicy: string; exclusive: boolean }[] = [];
    for (const r of rows) {
      if (r.followerId !== null) followers.push({ id: r.followerId, showReblogs: r.showReblogs!, notify: r.notify! });
      else lists.push({ id: r.listId!, ownerId: r.ownerId!, repliesPolicy: r.repliesPolicy!, exclusive: r.exclusive! });
    }
    return { followers, lists };
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
