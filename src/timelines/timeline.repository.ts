import type { Db } from "../db/client.ts";
import { statusInclude } from "../statuses/status.repository.ts";

export class TimelineRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  async addToFeeds(statusId: bigint, accountIds: bigint[]) {
    if (!accountIds.length) return;
    await this.db.homeFeedEntry.createMany({ data: accountIds.map((accountId) => ({ accountId, statusId })), skipDuplicates: true });
  }

  /** One index range scan on (accountId, statusId), then the statuses by primary key. */
  async home(accountId: bigint, range: { lt?: bigint; gt?: bigint } | undefined, limit: number, ascending: boolean, hidden: bigint[]) {
    const entries = await this.db.homeFeedEntry.findMany({
      where: {
        accountId,
        ...(range ? { statusId: range } : {}),
        ...(hidden.length ? { status: { accountId: { notIn: hidden } } } : {}),
      },
      orderBy: { statusId: ascending ? "asc" : "desc" },
      take: limit,
      select: { statusId: true },
    });
    if (!entries.length) return [];
    const statuses = await this.db.status.findMany({ where: { id: { in: entries.map((e) => e.statusId) } }, include: statusInclude });
    const byId = new Map(statuses.map((s) => [s.id, s]));
    return entries.map((e) => byId.get(e.statusId)).filter((s) => s !== undefined);
  }
}
