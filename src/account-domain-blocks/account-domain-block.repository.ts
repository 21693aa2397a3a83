import type { Db } from "../db/client.ts";

// Domains one local account blocks for itself, and the queries that make
// such a block felt: who on the domain follows the account, which
// notifications came from there, which accounts live there.

export class AccountDomainBlockRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  /** Blocking twice keeps the first block. */
  async create(accountId: bigint, domain: string) {
    await this.db.accountDomainBlock.createMany({ data: [{ accountId, domain }], skipDuplicates: true });
  }

  remove(accountId: bigint, domain: string) {
    return this.db.accountDomainBlock.deleteMany({ where: { accountId, domain } });
  }

  /** A page of the account's blocks by block id (Mastodon's Link pagination). */
  page(accountId: bigint, range: { lt?: bigint; gt?: bigint } | undefined, limit: number, ascending: boolean) {
    return this.db.accountDomainBlock.findMany({
      where: { accountId, ...(range ? { id: range } : {}) },
      orderBy: { id: ascending ? "asc" : "desc" },
      take: limit,
    });
  }

  domainsOf(accountId: bigint) {
    return this.db.accountDomainBlock.findMany({ where: { accountId }, select: { domain: true } }).then((rows) => rows.map((r) => r.domain));
  }

  /** Which of these accounts live on a domain `accountId` blocks. */
  async onBlockedDomains(accountId: bigint, targetIds: bigint[]) {
    const domains = await this.domainsOf(accountId);
    if (!domains.length || !targetIds.length) return new Set<bigint>();
    const rows = await this.db.account.findMany({ where: { id: { in: targetIds }, domain: { in: domains } }, select: { id: true } });
    return new Set(rows.map((r) => r.id));
  }

  /** Followers and follow requesters of the account from the domain. */
  followerIdsOn(accountId: bigint, domain: string) {
    return this.db.follow
      .findMany({ where: { followingId: accountId, follower: { domain } }, select: { followerId: true } })
      .then((rows) => rows.map((r) => r.followerId));
  }

  clearNotificationsFrom(accountId: bigint, domain: string) {
    return this.db.notification.deleteMany({ where: { accountId, fromAccount: { domain } } });
  }

  blocks(accountId: bigint, domain: string) {
    return this.db.accountDomainBlock.count({ where: { accountId, domain } }).then((n) => n > 0);
  }
}
