import type { Db } from "../db/client.ts";
import { queryRows } from "../db/direct.ts";
import { Prisma } from "../generated/prisma/client.ts";

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

  /** Every remote domain we know an account on (GET /api/v1/instance/peers). */
  async knownDomains(): Promise<string[]> {
    const rows = await this.db.account.findMany({ where: { domain: { not: null } }, distinct: ["domain"], select: { domain: true }, orderBy: { domain: "asc" } });
    return rows.map((r) => r.domain!);
  }

  /**
   * Mastodon's weekly activity for the last `weeks` weeks, newest first: local
   * posts, sign-ins (users last seen that week) and sign-ups.
   */
  async weeklyActivity(weeks: number, now = new Date()) {
    const monday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - ((now.getUTCDay() + 6) % 7)));
    const out = [];
    for (let i = 0; i < weeks; i++) {
      const start = new Date(monday.getTime() - i * 7 * 86_400_000);
      const end = new Date(start.getTime() + 7 * 86_400_000);
      const [statuses, logins, registrations] = await Promise.all([
        this.db.status.count({ where: { local: true, createdAt: { gte: start, lt: end } } }),
        this.db.user.count({ where: { lastSignInAt: { gte: start, lt: end } } }),
        this.db.user.count({ where: { createdAt: { gte: start, lt: end } } }),
      ]);
      out.push({ week: start, statuses, logins, registrations });
    }
    return out;
  }

  async ping() {
    await queryRows(this.db, Prisma.sql`SELECT 1`);
  }
}
