import type { Db } from "../db/client.ts";
import { execute } from "../db/direct.ts";
import { reserveId } from "../db/ids.ts";
import { Prisma } from "../generated/prisma/client.ts";

export class FavouriteRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  /**
   * Idempotent: a second Like of the same status by the same account is a
   * no-op. One statement writes the row and bumps the status's count; true
   * when it wrote them. With `unlessBlockedBy`, nothing is written if that
   * account (the status's author) blocks the one that likes.
   */
  async create(data: { id?: bigint; accountId: bigint; statusId: bigint; uri: string }, options: { unlessBlockedBy?: bigint } = {}): Promise<boolean> {
    const now = new Date();
    const blocker = options.unlessBlockedBy ?? null;
    const written = await execute(this.db, Prisma.sql`
      WITH f AS (
        INSERT INTO "Favourite" (id, "accountId", "statusId", uri, "createdAt")
        SELECT COALESCE(${data.id ?? null}::bigint, kith_id()), ${data.accountId}::bigint, ${data.statusId}::bigint, ${data.uri}, ${now}::timestamp(3)
        WHERE NOT EXISTS (SELECT 1 FROM "Block" WHERE "accountId" = ${blocker}::bigint AND "targetId" = ${data.accountId}::bigint)
        ON CONFLICT DO NOTHING
        RETURNING "statusId"
      )
      UPDATE "Status" SET "favouritesCount" = "favouritesCount" + 1, "updatedAt" = ${now}::timestamp(3) FROM f WHERE "Status".id = f."statusId"`);
    return written > 0;
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

  /** The id of a row to be written by this server: its URI names it. */
  reserveId() {
    return reserveId(this.db);
  }

  findById(id: bigint) {
    return this.db.favourite.findUnique({ where: { id } });
  }
}
