import type { Db } from "../db/client.ts";
import { statusInclude } from "../statuses/status.repository.ts";

export class BookmarkRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  /** Idempotent: bookmarking twice keeps the first bookmark. */
  async add(accountId: bigint, statusId: bigint) {
    await this.db.bookmark.createMany({ data: [{ accountId, statusId }], skipDuplicates: true });
  }

  async remove(accountId: bigint, statusId: bigint) {
    await this.db.bookmark.deleteMany({ where: { accountId, statusId } });
  }

  /** Newest bookmark first, paged by bookmark id, each with its status. */
  page(accountId: bigint, range: { lt?: bigint; gt?: bigint } | undefined, limit: number, ascending: boolean) {
    return this.db.bookmark.findMany({
      where: { accountId, ...(range ? { id: range } : {}) },
      orderBy: { id: ascending ? "asc" : "desc" },
      take: limit,
      include: { status: { include: statusInclude } },
    });
  }
}
