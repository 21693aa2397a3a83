import type { Db } from "../db/client.ts";
import type { DomainAllow, DomainBlock, Prisma } from "../generated/prisma/client.ts";
import type { DomainBlockSeverity } from "../generated/prisma/enums.ts";
import { idWhere, type IdRange } from "../notifications/notification.repository.ts";

export type { DomainAllow, DomainBlock };

export type DomainBlockFields = {
  severity: DomainBlockSeverity;
  rejectMedia: boolean;
  rejectReports: boolean;
  privateComment: string | null;
  publicComment: string | null;
  obfuscate: boolean;
};

/** Remote accounts on `domain` or any of its subdomains (with or without a port). */
export function accountsOnDomain(domain: string): Prisma.AccountWhereInput {
  return {
    OR: [
      { domain: { equals: domain, mode: "insensitive" } },
      { domain: { endsWith: `.${domain}`, mode: "insensitive" } },
      ...(domain.includes(":") ? [] : [{ domain: { startsWith: `${domain}:`, mode: "insensitive" as const } }, { domain: { contains: `.${domain}:`, mode: "insensitive" as const } }]),
    ],
  };
}

export class DomainBlockRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  allBlocks() {
    return this.db.domainBlock.findMany();
  }

  allAllows() {
    return this.db.domainAllow.findMany();
  }

  blocksPage(range: IdRange) {
    return this.db.domainBlock.findMany({ where: { id: idWhere(range) }, orderBy: { id: range.minId ? "asc" : "desc" }, take: range.limit });
  }

  findBlock(id: bigint) {
    return this.db.domainBlock.findUnique({ where: { id } });
  }

  findBlockByDomain(domain: string) {
    return this.db.domainBlock.findUnique({ where: { domain } });
  }

  createBlock(domain: string, fields: DomainBlockFields) {
    return this.db.domainBlock.create({ data: { domain, ...fields } });
  }

  updateBlock(id: bigint, fields: Partial<DomainBlockFields>) {
    return this.db.domainBlock.update({ where: { id }, data: fields });
  }

  deleteBlock(id: bigint) {
    return this.db.domainBlock.delete({ where: { id } });
  }

  allowsPage(range: IdRange) {
    return this.db.domainAllow.findMany({ where: { id: idWhere(range) }, orderBy: { id: range.minId ? "asc" : "desc" }, take: range.limit });
  }

  findAllow(id: bigint) {
    return this.db.domainAllow.findUnique({ where: { id } });
  }

  findAllowByDomain(domain: string) {
    return this.db.domainAllow.findUnique({ where: { domain } });
  }

  createAllow(domain: string) {
    return this.db.domainAllow.create({ data: { domain } });
  }

  deleteAllow(id: bigint) {
    return this.db.domainAllow.delete({ where: { id } });
  }

  /**
   * Marks the domain's accounts suspended or silenced at the block's creation
   * time; lifting the block clears exactly those marks (Mastodon's way), so an
   * account that was suspended on its own stays suspended.
   */
  markAccounts(domain: string, flag: "suspendedAt" | "silencedAt", at: Date) {
    return this.db.account.updateMany({ where: { ...accountsOnDomain(domain), [flag]: null }, data: { [flag]: at } });
  }

  unmarkAccounts(domain: string, flag: "suspendedAt" | "silencedAt", at: Date) {
    return this.db.account.updateMany({ where: { ...accountsOnDomain(domain), [flag]: at }, data: { [flag]: null } });
  }

  /** reject_media: remote attachments of the domain's posts are dropped. */
  stripMedia(domain: string) {
    return this.db.status.updateMany({ where: { local: false, account: accountsOnDomain(domain) }, data: { attachments: [] } });
  }
}
