import type { Db } from "../db/client.ts";
import { statusInclude } from "../statuses/status.repository.ts";

export class PinRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  /**
   * Pins under a row lock on the account, so two requests at once cannot
   * both slip under the limit. Returns false when the limit is reached.
   */
  async add(accountId: bigint, statusId: bigint, limit: number): Promise<boolean> {
    return this.db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM "Account" WHERE id = ${accountId} FOR UPDATE`;
      if (await tx.statusPin.count({ where: { accountId, statusId } })) return true;
      if ((await tx.statusPin.count({ where: { accountId } })) >= limit) return false;
      await tx.statusPin.create({ data: { accountId, statusId } });
      return true;
    });
  }

  async remove(accountId: bigint, statusId: bigint) {
    await this.db.statusPin.deleteMany({ where: { accountId, statusId } });
  }

  /** Most recently pinned first, as Mastodon shows them. */
  async pinnedStatuses(accountId: bigint) {
    const rows = await this.db.statusPin.findMany({ where: { accountId }, orderBy: { id: "desc" }, include: { status: { include: statusInclude } } });
    return rows.map((r) => r.status);
  }
}
