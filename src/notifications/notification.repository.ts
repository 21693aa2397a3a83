import type { Db } from "../db/client.ts";
import { queryRows } from "../db/direct.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { subscriptionsWanting } from "../push/push-subscription.repository.ts";

/** Every Mastodon notification type Kith produces. */
export const NOTIFICATION_TYPES = [
  "mention",
  "status",
  "reblog",
  "follow",
  "follow_request",
  "favourite",
  "poll",
  "update",
  "move",
  "admin.sign_up",
  "admin.report",
] as const;

export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** The types a Web Push subscription can ask for: Mastodon's alerts have no `move`. */
export const PUSH_ALERT_TYPES = NOTIFICATION_TYPES.filter((type) => type !== "move");

/** What a notification is about: the status (mentions, favourites...) or the report (admin.report). */
export type NotificationSubject = { statusId?: bigint | null; reportId?: bigint | null };

/** Which notifications a page shows: Mastodon's types[], exclude_types[] and account_id. */
export type NotificationQuery = { types?: string[]; excludeTypes?: string[]; fromAccountId?: bigint };

type NewNotification = { accountId: bigint; fromAccountId: bigint; type: NotificationType } & NotificationSubject;
/** A notification just written, and the push subscriptions that want it. */
type Created = { id: bigint; pushTo: bigint[] };

export class NotificationRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  /**
   * Redelivered activities hit the unique key and notify once: the new
   * notification's id, or null when it already existed. Its insert also
   * names the push subscriptions that want it.
   */
  create(data: NewNotification): Promise<Created | null> {
    return this.insert(data, Prisma.empty, new Date());
  }

  /**
   * Like create, unless the recipient has silenced the sender: a mute with
   * notifications on (and not expired), a block, or a block of the sender's
   * domain while not following the sender (Mastodon's rules). Checked and
   * written in one statement.
   */
  createUnlessSilenced(data: NewNotification): Promise<Created | null> {
    const { accountId, fromAccountId } = data;
    const now = new Date();
    return this.insert(
      data,
      Prisma.sql`
      WHERE NOT EXISTS (
          SELECT 1 FROM "Mute" WHERE "accountId" = ${accountId}::bigint AND "targetId" = ${fromAccountId}::bigint AND notifications
            AND ("expiresAt" IS NULL OR "expiresAt" > ${now}::timestamp(3)))
        AND NOT EXISTS (SELECT 1 FROM "Block" WHERE "accountId" = ${accountId}::bigint AND "targetId" = ${fromAccountId}::bigint)
        AND NOT EXISTS (
          SELECT 1 FROM "Account" a JOIN "AccountDomainBlock" d ON d."accountId" = ${accountId}::bigint AND d.domain = a.domain
          WHERE a.id = ${fromAccountId}::bigint
            AND NOT EXISTS (SELECT 1 FROM "Follow" WHERE "followerId" = ${accountId}::bigint AND "followingId" = ${fromAccountId}::bigint AND state = 'accepted'))`,
      now,
    );
  }

  /**
   * One notification of `type` from one sender to each of many local
   * accounts, in one statement, with createUnlessSilenced's rules; repeats
   * are no-ops. The notifications made, with their push subscriptions.
   */
  createManyUnlessSilenced(accountIds: bigint[], fromAccountId: bigint, type: NotificationType): Promise<(Created & { accountId: bigint })[]> {
    if (!accountIds.length) return Promise.resolve([]);
    const now = new Date();
    return queryRows(this.db, Prisma.sql`
      INSERT INTO "Notification" (id, "accountId", "fromAccountId", type, "createdAt")
      SELECT kith_id(), r.id, ${fromAccountId}::bigint, ${type}, ${now}::timestamp(3)
      FROM unnest(${accountIds.map(String)}::bigint[]) AS r(id)
      WHERE r.id <> ${fromAccountId}::bigint
        AND NOT EXISTS (
          SELECT 1 FROM "Mute" m WHERE m."accountId" = r.id AND m."targetId" = ${fromAccountId}::bigint AND m.notifications
            AND (m."expiresAt" IS NULL OR m."expiresAt" > ${now}::timestamp(3)))
        AND NOT EXISTS (SELECT 1 FROM "Block" b WHERE b."accountId" = r.id AND b."targetId" = ${fromAccountId}::bigint)
        AND NOT EXISTS (
          SELECT 1 FROM "Account" a JOIN "AccountDomainBlock" d ON d."accountId" = r.id AND d.domain = a.domain
          WHERE a.id = ${fromAccountId}::bigint
            AND NOT EXISTS (SELECT 1 FROM "Follow" f WHERE f."followerId" = r.id AND f."followingId" = ${fromAccountId}::bigint AND f.state = 'accepted'))
      ON CONFLICT DO NOTHING
      RETURNING id, "accountId", ARRAY(${subscriptionsWanting(Prisma.sql`"Notification"."accountId"`, type)}) AS "pushTo"`);
  }

  private async insert(data: NewNotification, unless: Prisma.Sql, now: Date): Promise<Created | null> {
    const rows = await queryRows<{ id: bigint; pushTo: bigint[] }>(this.db, Prisma.sql`
      INSERT INTO "Notification" (id, "accountId", "fromAccountId", type, "statusId", "reportId", "createdAt")
      SELECT kith_id(), ${data.accountId}::bigint, ${data.fromAccountId}::bigint, ${data.type}, ${data.statusId ?? null}::bigint, ${data.reportId ?? null}::bigint, ${now}::timestamp(3)
      ${unless}
      ON CONFLICT DO NOTHING
      RETURNING id, ARRAY(${subscriptionsWanting(data.accountId, data.type)}) AS "pushTo"`);
    return rows[0] ?? null;
  }

  deleteWhere(where: { accountId: bigint; fromAccountId: bigint; type: NotificationType }) {
    return this.db.notification.deleteMany({ where });
  }

  page(accountId: bigint, range: IdRange, query: NotificationQuery = {}) {
    return this.db.notification.findMany({
      where: { ...queryWhere(accountId, query), id: idWhere(range) },
      orderBy: { id: range.minId ? "asc" : "desc" },
      take: range.limit,
    });
  }

  /** Notifications newer than the read marker, counted up to `limit` (Mastodon caps the badge). */
  async countAfter(accountId: bigint, afterId: bigint | null, limit: number, query: NotificationQuery = {}) {
    const rows = await this.db.notification.findMany({
      where: { ...queryWhere(accountId, query), ...(afterId !== null ? { id: { gt: afterId } } : {}) },
      select: { id: true },
      orderBy: { id: "desc" },
      take: limit,
    });
    return rows.length;
  }

  find(accountId: bigint, id: bigint) {
    return this.db.notification.findFirst({ where: { id, accountId } });
  }

  dismiss(accountId: bigint, id: bigint) {
    return this.db.notification.deleteMany({ where: { id, accountId } });
  }

  /** The notifications of one group (same type and status, within a time window), newest first. */
  inGroup(accountId: bigint, group: GroupWhere) {
    return this.db.notification.findMany({ where: groupWhere(accountId, group), orderBy: { id: "desc" }, take: 200 });
  }

  dismissGroup(accountId: bigint, group: GroupWhere) {
    return this.db.notification.deleteMany({ where: groupWhere(accountId, group) });
  }

  clear(accountId: bigint) {
    return this.db.notification.deleteMany({ where: { accountId } });
  }

  /** Local accounts that reblogged a status: who hears of its edits. */
  localRebloggerIds(statusId: bigint) {
    return this.db.status
      .findMany({ where: { reblogOfId: statusId, account: { domain: null } }, select: { accountId: true } })
      .then((rows) => rows.map((r) => r.accountId));
  }
}

type GroupWhere = { type: string; statusId?: bigint; from: Date; until: Date };

function groupWhere(accountId: bigint, g: GroupWhere): Prisma.NotificationWhereInput {
  return { accountId, type: g.type, ...(g.statusId !== undefined ? { statusId: g.statusId } : {}), createdAt: { gte: g.from, lt: g.until } };
}

function queryWhere(accountId: bigint, query: NotificationQuery): Prisma.NotificationWhereInput {
  return {
    accountId,
    ...(query.types?.length ? { type: { in: query.types } } : {}),
    ...(query.excludeTypes?.length ? { NOT: { type: { in: query.excludeTypes } } } : {}),
    ...(query.fromAccountId !== undefined ? { fromAccountId: query.fromAccountId } : {}),
  };
}

/** Mastodon's pagination window: max_id and since_id exclusive, min_id pages forward. */
export type IdRange = { maxId?: bigint; sinceId?: bigint; minId?: bigint; limit: number };

export function idWhere(range: IdRange): { lt?: bigint; gt?: bigint } | undefined {
  const where: { lt?: bigint; gt?: bigint } = {};
  if (range.maxId !== undefined) where.lt = range.maxId;
  const lower = range.minId ?? range.sinceId;
  if (lower !== undefined) where.gt = lower;
  return Object.keys(where).length ? where : undefined;
}

/** Results fetched ascending for min_id come back newest first, as clients expect. */
export function newestFirst<T extends { id: bigint }>(rows: T[]): T[] {
  return rows.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}
