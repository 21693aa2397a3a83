import type { Account } from "../accounts/account.repository.ts";
import type { AccountService } from "../accounts/account.service.ts";
import { notFound, unprocessable } from "../errors.ts";
import type { JobQueue } from "../jobs/jobs.ts";
import { newestFirst, type IdRange } from "../notifications/notification.repository.ts";
import type { NotificationService } from "../notifications/notification.service.ts";
import type { AccountModerationRepository } from "./account-moderation.repository.ts";
import type { DomainPolicy } from "./domain-policy.ts";
import type { Report, ReportFilters, ReportRepository } from "./report.repository.ts";
import { isUniqueViolation } from "./unique-violation.ts";

// Reports, whichever door they came through: a local user's report (which may
// be forwarded to the reported account's server as a Flag) or a Flag from
// another server. Moderators hear of each one.

export const REPORT_CATEGORIES = ["spam", "legal", "violation", "other"] as const;
export type ReportCategory = (typeof REPORT_CATEGORIES)[number];
export const MAX_COMMENT = 1000;
/** Flags from other servers may say more; Mastodon keeps their first 5,000 characters. */
const MAX_REMOTE_COMMENT = 5000;

export type ReportInput = {
  targetAccountId: bigint;
  statusIds: bigint[];
  comment: string;
  forward: boolean;
  category?: ReportCategory;
  ruleIds: bigint[];
};

export class ReportService {
  private readonly reports: ReportRepository;
  private readonly accounts: AccountService;
  private readonly staff: AccountModerationRepository;
  private readonly notifications: NotificationService;
  private readonly policy: DomainPolicy;
  private readonly jobs: JobQueue;
  private readonly flagUri: (reportId: bigint) => string;

  constructor(
    reports: ReportRepository,
    accounts: AccountService,
    staff: AccountModerationRepository,
    notifications: NotificationService,
    policy: DomainPolicy,
    jobs: JobQueue,
    flagUri: (reportId: bigint) => string,
  ) {
    this.reports = reports;
    this.accounts = accounts;
    this.staff = staff;
    this.notifications = notifications;
    this.policy = policy;
    this.jobs = jobs;
    this.flagUri = flagUri;
  }

  /** A local user reports an account (and some of its posts). */
  async file(reporter: Account, input: ReportInput): Promise<Report> {
    if (input.comment.length > MAX_COMMENT) throw unprocessable(`comment is limited to ${MAX_COMMENT} characters`);
    const target = await this.accounts.get(input.targetAccountId);
    if (target.id === reporter.id) throw unprocessable("You cannot report yourself");
    const statuses = input.statusIds.length ? await this.reports.statusesOf(target.id, input.statusIds) : [];
    // Mastodon answers 404 when a reported post is not the reported account's.
    if (statuses.length !== new Set(input.statusIds).size) throw notFound("Record");
    const ruleIds = [...new Set(input.ruleIds)];
    if (ruleIds.length) {
      const known = await this.reports.existingRuleIds(ruleIds);
      if (known.length !== ruleIds.length) throw unprocessable("rule_ids names a rule that does not exist");
    }
    // Naming broken rules makes it a rule violation, whatever else was said (Mastodon).
    const category = ruleIds.length ? "violation" : (input.category ?? "other");
    if (category === "violation" && !ruleIds.length) throw unprocessable("A violation report must name the rules that were broken (rule_ids)");
    const forward = input.forward && target.domain !== null;
    const id = await this.reports.reserveId();
    const report = await this.reports.create({
      id,
      accountId: reporter.id,
      targetAccountId: target.id,
      statusIds: statuses.map((s) => s.id),
      ruleIds,
      comment: input.comment,
      category,
      forwarded: forward,
      // A forwarded report keeps the id of the Flag that carried it.
      uri: forward ? this.flagUri(id) : null,
    });
    if (forward) await this.jobs.enqueue("federate", { kind: "flag", reportId: String(report.id) });
    await this.notifyStaff(report);
    return report;
  }

  /**
   * A Flag from another server: one report per local account it names (or
   * whose posts it names), filed by the Flag's actor. Redelivery changes
   * nothing: the report keeps the Flag's id.
   */
  async receiveFlag(actor: Account, flag: { uri: string; objectUris: string[]; content: string }): Promise<Report[]> {
    if (actor.domain === null || (await this.policy.rejectsReports(actor.domain))) return [];
    const statuses = await this.reports.localStatusesByUri(flag.objectUris);
    const targets = new Map<bigint, bigint[]>();
    for (const uri of flag.objectUris) {
      const account = await this.accounts.findByUri(uri);
      if (account && account.domain === null && !account.suspendedAt && !targets.has(account.id)) targets.set(account.id, []);
    }
    for (const s of statuses) targets.set(s.accountId, [...(targets.get(s.accountId) ?? []), s.id]);
    const filed: Report[] = [];
    for (const [targetId, statusIds] of targets) {
      const uri = targets.size === 1 ? flag.uri : `${flag.uri}#${targetId}`;
      if (await this.reports.findByUri(uri)) continue;
      const target = await this.accounts.findById(targetId);
      if (!target || target.suspendedAt) continue;
      const report = await this.reports
        .create({ accountId: actor.id, targetAccountId: targetId, statusIds, ruleIds: [], comment: flag.content.slice(0, MAX_REMOTE_COMMENT), category: "other", forwarded: false, uri })
        .catch((error: unknown) => {
          // The same Flag handled twice at once: the first one filed it.
          if (isUniqueViolation(error)) return null;
          throw error;
        });
      if (report) filed.push(report);
    }
    for (const report of filed) await this.notifyStaff(report);
    return filed;
  }

  /**
   * Every moderator hears of a report, unless an earlier report about the
   * same account is still open: they are at it already (Mastodon's
   * unresolved_siblings?). Only earlier ones count, so of two reports filed
   * at once the first still notifies.
   */
  private async notifyStaff(report: Report) {
    if (await this.reports.openBefore(report)) return;
    for (const moderator of await this.staff.staff()) await this.notifications.reportFiled(moderator, report);
  }

  /** The reports notifications are about (any not found are left out). */
  findByIds(ids: bigint[]) {
    return this.reports.findByIds(ids);
  }

  async list(filters: ReportFilters, range: IdRange) {
    return newestFirst(await this.reports.page(filters, range));
  }

  async get(id: bigint): Promise<Report> {
    const report = await this.reports.findById(id);
    if (!report) throw notFound("Record");
    return report;
  }

  /** Sending the Flag needs the report with the URIs of what it names. */
  findById(id: bigint) {
    return this.reports.findById(id);
  }

  async assignToSelf(moderatorId: bigint, id: bigint) {
    await this.get(id);
    return this.reports.update(id, { assignedToId: moderatorId });
  }

  async unassign(id: bigint) {
    await this.get(id);
    return this.reports.update(id, { assignedToId: null });
  }

  async resolve(moderatorId: bigint | null, id: bigint) {
    const report = await this.get(id);
    if (report.actionTakenAt) return report;
    return this.reports.update(id, { actionTakenAt: new Date(), actionTakenById: moderatorId });
  }

  async reopen(id: bigint) {
    await this.get(id);
    return this.reports.update(id, { actionTakenAt: null, actionTakenById: null });
  }

  /** An action on an account answers every open report about it. */
  resolveAllAbout(targetAccountId: bigint, moderatorId: bigint | null) {
    return this.reports.resolveAllAbout(targetAccountId, moderatorId, new Date());
  }

  /** A report must be about the account an action is taken on. */
  async requireAbout(reportId: bigint, targetAccountId: bigint): Promise<Report> {
    const report = await this.get(reportId);
    if (report.targetAccountId !== targetAccountId) throw unprocessable("report_id names a report about another account");
    return report;
  }
}
