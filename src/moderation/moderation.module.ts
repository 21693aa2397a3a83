import type { Account } from "../accounts/account.repository.ts";
import type { AccountService } from "../accounts/account.service.ts";
import type { Db } from "../db/client.ts";
import type { SettingsService } from "../instance/settings.ts";
import type { JobQueue } from "../jobs/jobs.ts";
import type { NotificationService } from "../notifications/notification.service.ts";
import { AccountModerationRepository } from "./account-moderation.repository.ts";
import { AccountModerationService } from "./account-moderation.service.ts";
import { DomainBlockRepository } from "./domain-block.repository.ts";
import { DomainBlockService } from "./domain-block.service.ts";
import { DomainPolicy } from "./domain-policy.ts";
import { EmailBlockRepository } from "./email-block.repository.ts";
import { EmailBlockService } from "./email-block.service.ts";
import { ReportRepository } from "./report.repository.ts";
import { ReportService } from "./report.service.ts";

/** The moderation services: core.moderation. */
export type Moderation = ReturnType<typeof createModeration>;

/** The domain policy comes first: the account service consults it when it meets remote accounts. */
export function createDomainPolicy(db: Db, settings: SettingsService, localDomain: string) {
  return new DomainPolicy(new DomainBlockRepository(db), settings, localDomain);
}

export function createModeration(
  db: Db,
  deps: {
    policy: DomainPolicy;
    accounts: AccountService;
    notifications: NotificationService;
    settings: SettingsService;
    jobs: JobQueue;
    origin: string;
    isFollowing: (followerId: bigint, targetId: bigint) => Promise<boolean>;
  },
) {
  const accountRepo = new AccountModerationRepository(db);
  const flagUri = (reportId: bigint) => `${deps.origin}/activities/flags/${reportId}`;
  const reports = new ReportService(new ReportRepository(db), deps.accounts, accountRepo, deps.notifications, deps.policy, deps.jobs, flagUri);
  const emailBlocks = new EmailBlockService(new EmailBlockRepository(db));
  return {
    policy: deps.policy,
    domains: new DomainBlockService(new DomainBlockRepository(db), accountRepo, deps.policy, deps.settings, () => deps.accounts.forgetRemote()),
    accounts: new AccountModerationService(accountRepo, deps.accounts, reports, deps.jobs),
    reports,
    emailBlocks,
    /** Whether sign-up must refuse this address (a canonical e-mail block matches it). */
    isEmailBlocked: (email: string) => emailBlocks.isBlocked(email),
    /**
     * Whether search may show this account to this viewer: suspended accounts
     * never, silenced ones (or those of a silenced domain) only to their followers.
     */
    async searchable(account: Account, viewerId: bigint | null): Promise<boolean> {
      if (account.suspendedAt) return false;
      if (!account.silencedAt) return true;
      return viewerId !== null && (viewerId === account.id || (await deps.isFollowing(viewerId, account.id)));
    },
  };
}
