import { domainToASCII } from "node:url";
import { unprocessable } from "../errors.ts";
import type { FollowService } from "../follows/follow.service.ts";
import { normalizeDomain } from "../moderation/domains.ts";
import { idWhere, newestFirst, type IdRange } from "../notifications/notification.repository.ts";
import type { AccountDomainBlockRepository } from "./account-domain-block.repository.ts";

// A user's own domain blocks (Mastodon's /api/v1/domain_blocks), not the
// instance's. Blocking hides the domain's posts from the user's timelines
// (read time, see TimelineService) and its notifications, removes the user's
// followers there (each is sent a Reject), and stops follows both ways.
// Nothing else federates: the domain is not told.

export class AccountDomainBlockService {
  private readonly repo: AccountDomainBlockRepository;
  private readonly follows: FollowService;
  private readonly ownDomain: string;

  constructor(repo: AccountDomainBlockRepository, follows: FollowService, ownDomain: string) {
    this.repo = repo;
    this.follows = follows;
    this.ownDomain = ownDomain.toLowerCase();
  }

  /** The domain as stored (lower case, punycode, port kept); 422 for anything that is not a domain or is this instance. */
  domainOf(input: string): string {
    const ascii = domainToASCII(input.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, "").replace(/[/?#].*$/, ""));
    const domain = normalizeDomain(ascii || input);
    if (domain === this.ownDomain) throw unprocessable("Validation failed: you cannot block your own server's domain");
    return domain;
  }

  async block(accountId: bigint, input: string) {
    const domain = this.domainOf(input);
    await this.repo.create(accountId, domain);
    for (const followerId of await this.repo.followerIdsOn(accountId, domain)) await this.follows.reject(accountId, followerId);
    await this.repo.clearNotificationsFrom(accountId, domain);
  }

  async unblock(accountId: bigint, input: string) {
    await this.repo.remove(accountId, this.domainOf(input));
  }

  async page(accountId: bigint, range: IdRange) {
    return newestFirst(await this.repo.page(accountId, idWhere(range), range.limit, range.minId !== undefined));
  }

  domainsOf(accountId: bigint) {
    return this.repo.domainsOf(accountId);
  }

  /** Relationship.domain_blocking for each target. */
  blockingAmong(accountId: bigint, targetIds: bigint[]) {
    return this.repo.onBlockedDomains(accountId, targetIds);
  }

  blocks(accountId: bigint, domain: string) {
    return this.repo.blocks(accountId, domain);
  }

  /** The timelines' rule for one post (for live updates): from a blocked domain by someone not followed, or a reblog of a post from there. */
  async hides(viewerId: bigint, status: { accountId: bigint; account: { domain: string | null }; reblogOf?: { account: { domain: string | null } } | null }) {
    const domains = new Set(await this.repo.domainsOf(viewerId));
    if (!domains.size) return false;
    const reblogged = status.reblogOf?.account.domain;
    if (reblogged && domains.has(reblogged)) return true;
    return status.account.domain !== null && domains.has(status.account.domain) && !(await this.follows.isFollowing(viewerId, status.accountId));
  }
}
