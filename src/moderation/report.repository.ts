import type { Db } from "../db/client.ts";
import type { Prisma, Report } from "../generated/prisma/client.ts";
import { reserveId } from "../db/ids.ts";
import { idWhere, type IdRange } from "../notifications/notification.repository.ts";

export type { Report };

export type ReportFilters = { resolved?: boolean; accountId?: bigint; targetAccountId?: bigint };

export type NewReport = {
  accountId: bigint;
  targetAccountId: bigint;
  statusIds: bigint[];
  ruleIds: bigint[];
  comment: string;
  category: string;
  forwarded: boolean;
  uri: string | null;
};

export class ReportRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  create(data: NewReport & { id?: bigint }) {
    return this.db.report.create({ data });
  }

  /** The id of a row to be written by this server: its URI names it. */
  reserveId() {
    return reserveId(this.db);
  }

  findById(id: bigint) {
    return this.db.report.findUnique({ where: { id } });
  }

  findByIds(ids: bigint[]) {
    return ids.length ? this.db.report.findMany({ where: { id: { in: ids } } }) : Promise.resolve([]);
  }

  /** Whether an open report about the same account was filed before this one. */
  async openBefore(report: { id: bigint; targetAccountId: bigint }) {
    const earlier = await this.db.report.findFirst({ where: { targetAccountId: report.targetAccountId, actionTakenAt: null, id: { lt: report.id } }, select: { id: true } });
    return earlier !== null;
  }

  findByUri(uri: string) {
    return this.db.report.findUnique({ where: { uri } });
  }

  page(filters: ReportFilters, range: IdRange) {
    const where: Prisma.ReportWhereInput = {
      id: idWhere(range),
      ...(filters.resolved === true ? { actionTakenAt: { not: null } } : filters.resolved === false ? { actionTakenAt: null } : {}),
      ...(filters.accountId !== undefined ? { accountId: filters.accountId } : {}),
      ...(filters.targetAccountId !== undefined ? { targetAccountId: filters.targetAccountId } : {}),
    };
    return this.db.report.findMany({ where, orderBy: { id: range.minId ? "asc" : "desc" }, take: range.limit });
  }

  update(id: bigint, data: Pick<Prisma.ReportUncheckedUpdateInput, "assignedToId" | "actionTakenAt" | "actionTakenById">) {
    return this.db.report.update({ where: { id }, data });
  }

  /** Marks every open report about an account resolved (an action on the account answers them all). */
  resolveAllAbout(targetAccountId: bigint, by: bigint | null, at: Date) {
    return this.db.report.updateMany({ where: { targetAccountId, actionTakenAt: null }, data: { actionTakenAt: at, actionTakenById: by } });
  }

  /** The statuses among `ids` written by `accountId` (ids that are not theirs are dropped). */
  statusesOf(accountId: bigint, ids: bigint[]) {
    return this.db.status.findMany({ where: { id: { in: ids }, accountId }, select: { id: true, uri: true } });
  }

  /** Local statuses by their ActivityPub ids, with their authors. */
  localStatusesByUri(uris: string[]) {
    return this.db.status.findMany({ where: { uri: { in: uris }, local: true }, select: { id: true, accountId: true } });
  }

  existingRuleIds(ids: bigint[]) {
    return this.db.rule.findMany({ where: { id: { in: ids } }, select: { id: true } }).then((rows) => rows.map((r) => r.id));
  }
}
