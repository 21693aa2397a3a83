import type { Db } from "../db/client.ts";
import { newId } from "../ids.ts";

export type NotificationType = "mention" | "status" | "reblog" | "follow" | "follow_request" | "favourite" | "update";

export class NotificationRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  /** Redelivered activities hit the unique key and notify once. */
  async create(data: { accountId: bigint; fromAccountId: bigint; type: NotificationType; statusId?: bigint | null }) {
    await this.db.notification.createMany({
      data: [{ id: newId(), ...data, statusId: data.statusId ?? null }],
      skipDuplicates: true,
    });
  }

  deleteWhere(where: { accountId: bigint; fromAccountId: bigint; type: NotificationType }) {
    return this.db.notification.deleteMany({ where });
  }

  page(accountId: bigint, range: IdRange, types?: string[], excludeTypes?: string[]) {
    return this.db.notification.findMany({
      where: {
        accountId,
        id: idWhere(range),
        ...(types?.length ? { type: { in: types } } : {}),
        ...(excludeTypes?.length ? { NOT: { type: { in: excludeTypes } } } : {}),
      },
      orderBy: { id: range.minId ? "asc" : "desc" },
      take: range.limit,
    });
  }

  find(accountId: bigint, id: bigint) {
    return this.db.notification.findFirst({ where: { id, accountId } });
  }

  dismiss(accountId: bigint, id: bigint) {
    return this.db.notification.deleteMany({ where: { id, accountId } });
  }

  clear(accountId: bigint) {
    return this.db.notification.deleteMany({ where: { accountId } });
  }
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
