import type { Db } from "../db/client.ts";

export class FavouriteRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  /** Idempotent: a second Like of the same status by the same account is a no-op. */
  async create(data: { id: bigint; accountId: bigint; statusId: bigint; uri: string }) {
    return this.db.$transaction(async (tx) => {
      const inserted = await tx.favourite.createMany({ data: [data], skipDuplicates: true });
      if (inserted.count) await tx.status.updateMany({ where: { id: data.statusId }, data: { favouritesCount: { increment: 1 } } });
      const row = await tx.favourite.findUnique({ where: { accountId_statusId: { accountId: data.accountId, statusId: data.statusId } } });
      return { favourite: row!, created: inserted.count > 0 };
    });
  }

  async remove(where: { accountId: bigint; statusId: bigint } | { uri: string; accountId: bigint }) {
    return this.db.$transaction(async (tx) => {
      const row = await tx.favourite.findFirst({ where });
      if (!row) return null;
      await tx.favourite.delete({ where: { id: row.id } });
      await tx.status.updateMany({ where: { id: row.statusId, favouritesCount: { gt: 0 } }, data: { favouritesCount: { decrement: 1 } } });
      return row;
    });
  }

  findById(id: bigint) {
    return this.db.favourite.findUnique({ where: { id } });
  }

  favouritedAmong(accountId: bigint, statusIds: bigint[]) {
    return this.db.favourite
      .findMany({ where: { accountId, statusId: { in: statusIds } }, select: { statusId: true } })
      .then((rows) => new Set(rows.map((r) => r.statusId)));
  }

  rebloggedAmong(accountId: bigint, statusIds: bigint[]) {
    return this.db.status
      .findMany({ where: { accountId, reblogOfId: { in: statusIds } }, select: { reblogOfId: true } })
      .then((rows) => new Set(rows.map((r) => r.reblogOfId!)));
  }
}
