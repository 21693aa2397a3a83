import type { AccountService } from "../accounts/account.service.ts";
import { forbidden, notFound, unprocessable } from "../errors.ts";
import type { Role } from "../generated/prisma/enums.ts";
import type { JobQueue } from "../jobs/jobs.ts";
import { newestFirst, type IdRange } from "../notifications/notification.repository.ts";
import type { AccountFilters, AccountModerationRepository, AccountWithUser } from "./account-moderation.repository.ts";
import type { ReportService } from "./report.service.ts";
import { canAssign } from "./roles.ts";

// What moderators do to accounts (Mastodon's admin account actions).
//
// Suspending a local account keeps its data for a grace period: its tokens
// stop working, its profile and posts answer 404, its actor document says
// `suspended: true`, and the servers of its followers get a Delete{Person}.
// Unsuspending restores it and sends them an Update{Person}. Suspending a
// remote account hides it and severs every follow with it (telling its
// server with Reject and Undo).

export const ACTION_TYPES = ["none", "sensitive", "disable", "silence", "suspend"] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

/** How long a suspended local account's data is kept before it is deleted (Mastodon: 30 days). */
export const SUSPENSION_GRACE_MS = 30 * 86_400_000;

const ALL_PAGE = 500;

export class AccountModerationService {
  private readonly repo: AccountModerationRepository;
  private readonly accounts: AccountService;
  private readonly reports: ReportService;
  private readonly jobs: JobQueue;

  constructor(repo: AccountModerationRepository, accounts: AccountService, reports: ReportService, jobs: JobQueue) {
    this.repo = repo;
    this.accounts = accounts;
    this.reports = reports;
    this.jobs = jobs;
  }

  /** The account service remembers remote accounts for the inbox a few seconds: it must forget them when one changes. */
  private async setAccount(...args: Parameters<AccountModerationRepository["setAccount"]>) {
    const account = await this.repo.setAccount(...args);
    this.accounts.forgetRemote();
    return account;
  }

  async list(filters: AccountFilters, range: IdRange) {
    return newestFirst(await this.repo.page(filters, range));
  }

  /** Every account the filters select, newest first, read a page at a time (the CLI lists them all). */
  async all(filters: AccountFilters): Promise<AccountWithUser[]> {
    const accounts: AccountWithUser[] = [];
    for (let maxId: bigint | undefined; ; ) {
      const page = await this.repo.page(filters, { maxId, limit: ALL_PAGE });
      accounts.push(...page);
      if (page.length < ALL_PAGE) return accounts;
      maxId = page.at(-1)!.id;
    }
  }

  async get(id: bigint): Promise<AccountWithUser> {
    const account = await this.repo.find(id);
    if (!account) throw notFound("Record");
    return account;
  }

  findByIds(ids: bigint[]) {
    return this.repo.findByIds(ids);
  }

  /** A local user by name (the CLI); 404 if there is none. */
  async getLocal(username: string): Promise<AccountWithUser> {
    const found = await this.accounts.findLocalActor(username);
    const account = found ? await this.repo.find(found.id) : null;
    if (!account?.user) throw notFound("Account");
    return account;
  }

  /** The staff role of a local account (remote accounts and the instance actor have none). */
  async roleOf(accountId: bigint): Promise<Role> {
    return (await this.repo.roleOf(accountId)) ?? "user";
  }

  async approve(id: bigint) {
    const account = await this.pendingUser(id);
    await this.repo.setUser(account.id, { approved: true });
    return this.get(id);
  }

  /** Rejecting a sign-up deletes it, as on Mastodon. */
  async reject(id: bigint) {
    const account = await this.pendingUser(id);
    await this.repo.deleteAccount(account.id);
    return account;
  }

  private async pendingUser(id: bigint) {
    const account = await this.get(id);
    if (!account.user || account.user.approved) throw forbidden("This account is not waiting for approval");
    return account;
  }

  /**
   * POST /api/v1/admin/accounts/:id/action. An action other than "none"
   * answers every open report about the account; "none" with a report
   * resolves that report only.
   */
  async act(moderatorId: bigint | null, id: bigint, action: { type: ActionType; reportId?: bigint }) {
    const account = await this.get(id);
    const report = action.reportId !== undefined ? await this.reports.requireAbout(action.reportId, account.id) : null;
    switch (action.type) {
      case "none":
        break;
      case "sensitive":
        if (!account.sensitizedAt) await this.setAccount(id, { sensitizedAt: new Date() });
        break;
      case "disable":
        if (!account.user) throw unprocessable("Only local accounts can be disabled");
        if (!account.user.disabledAt) await this.repo.setUser(id, { disabledAt: new Date() });
        break;
      case "silence":
        if (!account.silencedAt) await this.setAccount(id, { silencedAt: new Date() });
        break;
      case "suspend":
        await this.suspend(account);
        break;
    }
    if (action.type !== "none") await this.reports.resolveAllAbout(account.id, moderatorId);
    else if (report) await this.reports.resolve(moderatorId, report.id);
    return this.get(id);
  }

  async suspend(account: AccountWithUser) {
    if (account.suspendedAt) return;
    const at = new Date();
    await this.setAccount(account.id, { suspendedAt: at });
    if (account.domain === null) {
      await this.jobs.enqueue("federate", { kind: "deleteActor", accountId: String(account.id) });
      await this.jobs.enqueue("account.purge", { accountId: String(account.id), suspendedAt: at.toISOString() }, { delayMs: SUSPENSION_GRACE_MS });
      return;
    }
    const severed = await this.repo.severFollows({ id: account.id });
    await this.repo.removeFromHomeFeeds({ id: account.id });
    for (const f of severed) {
      const edge = { followUri: f.uri, followerId: String(f.followerId), targetId: String(f.followingId) };
      // Their follow of a local account is refused; a local follow of them is withdrawn.
      await this.jobs.enqueue("federate", f.followerId === account.id ? { kind: "rejectFollow", ...edge } : { kind: "undoFollow", ...edge });
    }
  }

  async unsuspend(id: bigint) {
    const account = await this.get(id);
    if (!account.suspendedAt) throw forbidden("This account is not suspended");
    await this.setAccount(id, { suspendedAt: null });
    if (account.domain === null) await this.jobs.enqueue("federate", { kind: "updateActor", accountId: String(id) });
    return this.get(id);
  }

  async unsilence(id: bigint) {
    await this.get(id);
    return this.setAccount(id, { silencedAt: null });
  }

  async unsensitive(id: bigint) {
    await this.get(id);
    return this.setAccount(id, { sensitizedAt: null });
  }

  async enable(id: bigint) {
    const account = await this.get(id);
    if (!account.user) throw forbidden("Only local accounts can be enabled");
    await this.repo.setUser(id, { disabledAt: null });
    return this.get(id);
  }

  /** Deletes the data of a suspended account for good (its followers' servers heard the Delete at suspension). */
  async delete(id: bigint) {
    const account = await this.get(id);
    if (!account.suspendedAt) throw forbidden("Only a suspended account can be deleted");
    await this.repo.deleteAccount(id);
    this.accounts.forgetRemote();
    return account;
  }

  /** The job at the end of the grace period: the data goes if that suspension still holds. */
  async purgeIfStillSuspended(id: bigint, suspendedAt: Date) {
    const account = await this.repo.find(id);
    if (account?.domain === null && account.suspendedAt?.getTime() === suspendedAt.getTime()) await this.repo.deleteAccount(id);
  }

  /** Changes a local user's role. `actorRole` null means the operator (the CLI), who may assign any role. */
  async setRole(actorRole: Role | null, id: bigint, role: Role) {
    const account = await this.get(id);
    if (!account.user) throw unprocessable("Only local accounts have roles");
    if (actorRole !== null && !canAssign(actorRole, account.user.role, role)) throw forbidden("You cannot give or take this role");
    await this.repo.setUser(id, { role });
    return this.get(id);
  }

  /** Local staff accounts (who hear of reports). */
  staff() {
    return this.repo.staff();
  }
}
