import type { Db } from "../db/client.ts";
import type { Prisma, ScheduledStatus } from "../generated/prisma/client.ts";

export type { ScheduledStatus };

export class ScheduledStatusRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  create(data: Prisma.ScheduledStatusUncheckedCreateInput) {
    return this.db.scheduledStatus.create({ data });
  }

  find(accountId: bigint, id: bigint) {
    return this.db.scheduledStatus.findFirst({ where: { id, accountId } });
  }

  findById(id: bigint) {
    return this.db.scheduledStatus.findUnique({ where: { id } });
  }

  count(accountId: bigint) {
    return this.db.scheduledStatus.count({ where: { accountId } });
  }

  page(accountId: bigint, range: { lt?: bigint; gt?: bigint } | undefined, limit: number, ascending: boolean) {
    return this.db.scheduledStatus.findMany({
      where: { accountId, ...(range ? { id: range } : {}) },
      orderBy: { id: ascending ? "asc" : "desc" },
      take: limit,
    });
  }

  reschedule(id: bigint, scheduledAt: Date) {
    return this.db.scheduledStatus.update({ where: { id }, data: { scheduledAt } });
  }

  /** True for the one caller that removed it: publishing and cancelling race safely. */
  async take(id: bigint): Promise<boolean> {
    return (await this.db.scheduledStatus.deleteMany({ where: { id } })).count === 1;
  }
}
