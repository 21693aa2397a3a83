import type { Db } from "../db/client.ts";
import { execute } from "../db/direct.ts";
import { Prisma } from "../generated/prisma/client.ts";

export type ListFields = { title: string; repliesPolicy: string; exclusive: boolean };

/** How many of a member's recent posts are copied into a list when they join it. */
const BACKFILL = 40;

export class ListRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  create(data: ListFields & { accountId: bigint }) {
    return this.db.list.create({ data });
  }

  update(id: bigint, data: Partial<ListFields>) {
    return this.db.list.update({ where: { id }, data });
  }

  delete(id: bigint) {
    return this.db.$transaction([this.db.listFeedEntry.deleteMany({ where: { listId: id } }), this.db.list.deleteMany({ where: { id } })]);
  }

  find(accountId: bigint, id: bigint) {
    return this.db.list.findFirst({ where: { id, accountId } });
  }

  all(accountId: bigint) {
    return this.db.list.findMany({ where: { accountId }, orderBy: { id: "asc" } });
  }

  count(accountId: bigint) {
    return this.db.list.count({ where: { accountId } });
  }

  /** The owner's lists that have this account as a member. */
  containing(accountId: bigint, memberId: bigint) {
    return this.db.list.findMany({ where: { accountId, members: { some: { accountId: memberId } } }, orderBy: { id: "asc" } });
  }

  /** Members in account-id order; `limit` 0 means all of them, as on Mastodon. */
  members(listId: bigint, range: { lt?: bigint; gt?: bigint } | undefined, limit: number, ascending: boolean) {
    return this.db.listAccount.findMany({
      where: { listId, ...(range ? { accountId: range } : {}) },
      orderBy: { accountId: ascending ? "asc" : "desc" },
      ...(limit > 0 ? { take: limit } : {}),
      include: { account: true },
    });
  }

  /** Adds members and copies their recent posts the owner may see into the list's feed. */
  async addMembers(listId: bigint, ownerId: bigint, accountIds: bigint[]) {
    await this.db.listAccount.createMany({ data: accountIds.map((accountId) => ({ listId, accountId })), skipDuplicates: true });
    await execute(this.db, Prisma.sql`
      INSERT INTO "ListFeedEntry" ("listId", "statusId")
      SELECT ${listId}, recent.id FROM (
        SELECT s.id FROM "Status" s
        WHERE s."accountId" = ANY(${accountIds}) AND s.visibility IN ('public', 'unlisted', 'private')
          AND (s."reblogOfId" IS NULL OR EXISTS (
            SELECT 1 FROM "Follow" f WHERE f."followerId" = ${ownerId} AND f."followingId" = s."accountId" AND f."showReblogs"))
        ORDER BY s.id DESC LIMIT ${BACKFILL * accountIds.length}
      ) recent
      ON CONFLICT DO NOTHING`);
  }

  /** Removes members and what they posted from the list's feed. */
  async removeMembers(listId: bigint, accountIds: bigint[]) {
    await this.db.listAccount.deleteMany({ where: { listId, accountId: { in: accountIds } } });
    await execute(this.db, Prisma.sql`
      DELETE FROM "ListFeedEntry" e USING "Status" s
      WHERE e."listId" = ${listId} AND e."statusId" = s.id AND s."accountId" = ANY(${accountIds})`);
  }
}
