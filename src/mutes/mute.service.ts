import type { AccountService } from "../accounts/account.service.ts";
import { unprocessable } from "../errors.ts";
import type { BlockRepository } from "../interactions/block.repository.ts";
import { idWhere, newestFirst, type IdRange } from "../notifications/notification.repository.ts";
import type { Mute } from "../generated/prisma/client.ts";
import type { MuteRepository } from "./mute.repository.ts";

/** The domains an account blocks for itself. */
type BlockedDomains = { domainsOf(accountId: bigint): Promise<string[]> };

export type MuteOptions = { notifications?: boolean; durationSeconds?: number };

// Mutes are private to the muter: nothing federates, the muted account never knows.

export class MuteService {
  private readonly mutes: MuteRepository;
  private readonly accounts: AccountService;
  private readonly blocks: BlockRepository;
  private readonly domains: BlockedDomains;

  constructor(mutes: MuteRepository, accounts: AccountService, blocks: BlockRepository, domains: BlockedDomains) {
    this.mutes = mutes;
    this.accounts = accounts;
    this.blocks = blocks;
    this.domains = domains;
  }

  async mute(accountId: bigint, targetId: bigint, options: MuteOptions = {}) {
    if (accountId === targetId) throw unprocessable("You cannot mute yourself");
    await this.accounts.get(targetId);
    const seconds = options.durationSeconds ?? 0;
    return this.mutes.upsert({
      accountId,
      targetId,
      notifications: options.notifications ?? true,
      expiresAt: seconds > 0 ? new Date(Date.now() + seconds * 1000) : null,
    });
  }

  async unmute(accountId: bigint, targetId: bigint) {
    await this.accounts.get(targetId);
    await this.mutes.remove(accountId, targetId);
  }

  async page(accountId: bigint, range: IdRange) {
    return newestFirst(await this.mutes.page(accountId, range));
  }

  /** The accounts this account blocks, newest block first (for GET /api/v1/blocks). */
  async blockedPage(accountId: bigint, range: IdRange) {
    return newestFirst(await this.blocks.page(accountId, idWhere(range), range.limit, range.minId !== undefined));
  }

  /** The viewer's active mutes among these accounts, by target id. */
  async among(accountId: bigint, targetIds: bigint[]): Promise<Map<bigint, Mute>> {
    if (!targetIds.length) return new Map();
    return new Map((await this.mutes.among(accountId, targetIds)).map((m) => [m.targetId, m]));
  }

  /** Whether `accountId` blocks `viewerId`: then its posts and connections are not shown to them. */
  isBlockedBy(viewerId: bigint, accountId: bigint) {
    return this.blocks.blocks(accountId, viewerId);
  }

  /** Accounts blocked by or blocking this one: left out of its searches. */
  blockedEitherWay(accountId: bigint) {
    return this.blocks.hiddenFor(accountId);
  }

  /** Whose posts a viewer never sees: accounts blocked either way and accounts muted. */
  async hiddenFor(accountId: bigint): Promise<bigint[]> {
    const [blocked, muted] = await Promise.all([this.blocks.hiddenFor(accountId), this.mutes.mutedIds(accountId)]);
    return [...new Set([...blocked, ...muted])];
  }

  /** Domains the viewer blocks: their posts leave its timelines, as TimelineService decides. */
  hiddenDomainsFor(accountId: bigint): Promise<string[]> {
    return this.domains.domainsOf(accountId);
  }
}
