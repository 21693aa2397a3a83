import { notFound, unprocessable } from "../errors.ts";
import type { SettingsService } from "../instance/settings.ts";
import { newestFirst, type IdRange } from "../notifications/notification.repository.ts";
import type { AccountModerationRepository } from "./account-moderation.repository.ts";
import { accountsOnDomain, type DomainBlock, type DomainBlockFields, type DomainBlockRepository } from "./domain-block.repository.ts";
import type { DomainPolicy } from "./domain-policy.ts";
import { normalizeDomain, obfuscateDomain } from "./domains.ts";
import { isUniqueViolation } from "./unique-violation.ts";

// Domain blocks and the allow list, with what they do to what we already
// hold: suspend hides the domain's accounts and severs every follow with
// them; silence keeps their posts off the public timelines; reject_media drops
// their attachments. Lifting a block restores the marks it made, not the
// follows (the other side was never told, as on Mastodon).

export class DomainBlockService {
  private readonly repo: DomainBlockRepository;
  private readonly accounts: AccountModerationRepository;
  private readonly policy: DomainPolicy;
  private readonly settings: SettingsService;
  /** Told when the marks on a domain's accounts change: the account service forgets the remote accounts it remembers. */
  private readonly marked: () => void;

  constructor(repo: DomainBlockRepository, accounts: AccountModerationRepository, policy: DomainPolicy, settings: SettingsService, marked: () => void = () => undefined) {
    this.repo = repo;
    this.accounts = accounts;
    this.policy = policy;
    this.settings = settings;
    this.marked = marked;
  }

  async listBlocks(range: IdRange) {
    return newestFirst(await this.repo.blocksPage(range));
  }

  async getBlock(id: bigint): Promise<DomainBlock> {
    const block = await this.repo.findBlock(id);
    if (!block) throw notFound("Record");
    return block;
  }

  /** Every block, for the public list (GET /api/v1/instance/domain_blocks). */
  async publicBlocks() {
    const blocks = await this.repo.allBlocks();
    return blocks
      .filter((b) => b.severity !== "noop" || b.rejectMedia || b.rejectReports)
      .sort((a, b) => a.domain.localeCompare(b.domain))
      .map((b) => ({ domain: b.obfuscate ? obfuscateDomain(b.domain) : b.domain, realDomain: b.domain, severity: b.severity, comment: b.publicComment }));
  }

  async block(domainInput: string, fields: Partial<DomainBlockFields> = {}): Promise<DomainBlock> {
    const domain = normalizeDomain(domainInput);
    if (await this.repo.findBlockByDomain(domain)) throw unprocessable(`${domain} is already blocked`);
    const block = await this.repo
      .createBlock(domain, {
        severity: fields.severity ?? "silence",
        rejectMedia: fields.rejectMedia ?? false,
        rejectReports: fields.rejectReports ?? false,
        privateComment: fields.privateComment ?? null,
        publicComment: fields.publicComment ?? null,
        obfuscate: fields.obfuscate ?? false,
      })
      .catch((error: unknown) => {
        // Two admins blocking the same domain at once: the unique key decides.
        if (isUniqueViolation(error)) throw unprocessable(`${domain} is already blocked`);
        throw error;
      });
    this.policy.invalidate();
    await this.apply(block);
    return block;
  }

  async update(id: bigint, fields: Partial<DomainBlockFields>): Promise<DomainBlock> {
    const before = await this.getBlock(id);
    const after = await this.repo.updateBlock(id, fields);
    this.policy.invalidate();
    if (before.severity !== after.severity) await this.lift(before);
    await this.apply(after);
    return after;
  }

  async unblock(id: bigint): Promise<DomainBlock> {
    const block = await this.getBlock(id);
    await this.repo.deleteBlock(id);
    this.policy.invalidate();
    await this.lift(block);
    return block;
  }

  /** `unblock` by name (the CLI); 404 when the domain has no block of its own. */
  async unblockDomain(domainInput: string): Promise<DomainBlock> {
    const block = await this.repo.findBlockByDomain(normalizeDomain(domainInput));
    if (!block) throw notFound("Domain block");
    return this.unblock(block.id);
  }

  private async apply(block: DomainBlock) {
    const on = accountsOnDomain(block.domain);
    if (block.severity === "suspend") {
      await this.repo.markAccounts(block.domain, "suspendedAt", block.createdAt);
      await this.accounts.severFollows(on);
      await this.accounts.removeFromHomeFeeds(on);
    } else if (block.severity === "silence") {
      await this.repo.markAccounts(block.domain, "silencedAt", block.createdAt);
    }
    if (block.rejectMedia) await this.repo.stripMedia(block.domain);
    this.marked();
  }

  private async lift(block: DomainBlock) {
    if (block.severity === "suspend") await this.repo.unmarkAccounts(block.domain, "suspendedAt", block.createdAt);
    if (block.severity === "silence") await this.repo.unmarkAccounts(block.domain, "silencedAt", block.createdAt);
    this.marked();
  }

  async listAllows(range: IdRange) {
    return newestFirst(await this.repo.allowsPage(range));
  }

  async getAllow(id: bigint) {
    const allow = await this.repo.findAllow(id);
    if (!allow) throw notFound("Record");
    return allow;
  }

  /** Allowing a domain twice answers with the existing allow (Mastodon does the same). */
  async allow(domainInput: string) {
    const domain = normalizeDomain(domainInput);
    const existing = await this.repo.findAllowByDomain(domain);
    if (existing) return existing;
    const allow = await this.repo.createAllow(domain).catch(async (error: unknown) => {
      if (isUniqueViolation(error)) return (await this.repo.findAllowByDomain(domain))!;
      throw error;
    });
    this.policy.invalidate();
    return allow;
  }

  /** In allow-list mode a domain taken off the list stops federating: follows with it are severed. */
  async disallow(id: bigint) {
    const allow = await this.getAllow(id);
    await this.repo.deleteAllow(id);
    this.policy.invalidate();
    if ((await this.settings.get("allowListMode")) && !(await this.policy.federates(allow.domain))) {
      await this.accounts.severFollows(accountsOnDomain(allow.domain));
    }
    return allow;
  }

  async disallowDomain(domainInput: string) {
    const allow = await this.repo.findAllowByDomain(normalizeDomain(domainInput));
    if (!allow) throw notFound("Domain allow");
    return this.disallow(allow.id);
  }

  /** The hosts among `hosts` we federate with (for the public peers list). */
  async federating(hosts: string[]): Promise<string[]> {
    const out: string[] = [];
    for (const host of hosts) if (await this.policy.federates(host)) out.push(host);
    return out;
  }
}
