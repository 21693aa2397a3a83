import type { Db } from "../db/client.ts";

// Figures for NodeInfo and /api/v1/instance.
export class InstanceRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  async usage() {
    const month = new Date(Date.now() - 30 * 86_400_000);
    const halfYear = new Date(Date.now() - 182 * 86_400_000);
    const [users, activeMonth, activeHalfyear, localPosts, domains] = await Promise.all([
      this.db.account.count({ where: { domain: null, suspendedAt: null, user: { isNot: null } } }),
      this.db.account.count({ where: { domain: null, suspendedAt: null, user: { isNot: null }, lastStatusAt: { gte: month } } }),
      this.db.account.count({ where: { domain: null, suspendedAt: null, user: { isNot: null }, lastStatusAt: { gte: halfYear } } }),
      this.db.status.count({ where: { local: true, reblogOfId: null } }),
      this.db.account.findMany({ where: { domain: { not: null } }, distinct: ["domain"], select: { domain: true } }).then((r) => r.length),
    ]);
    return { users, activeMonth, activeHalfyear, localPosts, domains };
  }

  async ping() {
    await this.db.$queryRaw`SELECT 1`;
  }
}
