import type { Account } from "../accounts/account.repository.ts";
import { parseAcct, type AccountService } from "../accounts/account.service.ts";
import type { StatusResolver } from "../core.ts";
import type { Tag } from "../generated/prisma/client.ts";
import type { MuteService } from "../mutes/mute.service.ts";
import type { StatusView } from "../statuses/status.repository.ts";
import type { StatusService } from "../statuses/status.service.ts";
import { isHashtagPrefix } from "./hashtag.ts";
import type { SearchRepository } from "./search.repository.ts";

export type SearchType = "accounts" | "statuses" | "hashtags";
export type SearchQuery = {
  q: string;
  type?: SearchType;
  /** Fetch unknown accounts and posts from their servers (signed-in viewers only). */
  resolve?: boolean;
  following?: boolean;
  accountId?: bigint;
  limit: number;
  offset: number;
};
export type SearchResults = { accounts: Account[]; statuses: StatusView[]; hashtags: Tag[] };

const URL_LIKE = /^https?:\/\//i;

const byIds = <T extends { id: bigint }>(rows: T[], order: bigint[]) => {
  const map = new Map(rows.map((r) => [r.id, r]));
  return order.map((id) => map.get(id)).filter((r): r is T => r !== undefined);
};

export class SearchService {
  private readonly repo: SearchRepository;
  private readonly accounts: AccountService;
  private readonly statuses: StatusService;
  private readonly mutes: MuteService;
  private readonly localDomain: string;

  constructor(search: SearchRepository, accounts: AccountService, statuses: StatusService, mutes: MuteService, localDomain: string) {
    this.repo = search;
    this.accounts = accounts;
    this.statuses = statuses;
    this.mutes = mutes;
    this.localDomain = localDomain.toLowerCase();
  }

  async search(viewerId: bigint | null, query: SearchQuery, resolver: StatusResolver | null): Promise<SearchResults> {
    const wants = (t: SearchType) => !query.type || query.type === t;
    const resolve = Boolean(query.resolve && viewerId !== null);
    const exclude = viewerId !== null ? await this.mutes.blockedEitherWay(viewerId) : [];
    return {
      accounts: wants("accounts") ? await this.matchAccounts(viewerId, query, resolve, exclude) : [],
      statuses: wants("statuses") ? await this.searchStatuses(viewerId, query, resolve, resolver, exclude) : [],
      hashtags: wants("hashtags") ? await this.searchHashtags(query) : [],
    };
  }

  /** GET /api/v1/accounts/search: accounts only. */
  async searchAccounts(viewerId: bigint, query: Pick<SearchQuery, "q" | "following" | "limit" | "offset">, resolve: boolean) {
    return this.matchAccounts(viewerId, query, resolve, await this.mutes.blockedEitherWay(viewerId));
  }

  /** The account the query names exactly (fetched when resolving), then prefix matches. */
  private async matchAccounts(viewerId: bigint | null, query: Pick<SearchQuery, "q" | "following" | "limit" | "offset">, resolve: boolean, exclude: bigint[]): Promise<Account[]> {
    const q = query.q.trim();
    // `following` narrows everything, so the exact match comes from the ranked query then.
    const exact = query.offset === 0 && !query.following ? await (resolve ? this.accounts.resolve(q) : this.accounts.lookup(q)).catch(() => null) : null;
    const found: Account[] = exact && !exact.suspendedAt && !exclude.includes(exact.id) ? [exact] : [];
    if (URL_LIKE.test(q)) return found;
    const acct = parseAcct(q.replace(/^@/, ""));
    const term = acct?.username ?? q.replace(/^@/, "");
    const local = acct?.host === this.localDomain;
    const ids = await this.repo.accounts(
      { term, domain: acct?.host, local },
      viewerId,
      { following: Boolean(query.following), exclude: [...exclude, ...found.map((a) => a.id)], limit: query.limit - found.length, offset: query.offset },
    );
    const ranked = [...found, ...byIds(await this.accounts.findByIds(ids), ids)].slice(0, query.limit);
    // Silenced accounts are found only by their followers (moderation's rule).
    const shown = await Promise.all(ranked.map((a) => this.searchable(a, viewerId)));
    return ranked.filter((_, i) => shown[i]);
  }

  /** Set by the composition root: moderation decides who may be found. */
  searchable: (account: Account, viewerId: bigint | null) => Promise<boolean> = async (a) => !a.suspendedAt;

  private async searchStatuses(viewerId: bigint | null, query: SearchQuery, resolve: boolean, resolver: StatusResolver | null, exclude: bigint[]) {
    const q = query.q.trim();
    if (URL_LIKE.test(q)) {
      if (query.offset > 0) return [];
      const status = (await this.statuses.findByUri(q)) ?? (resolve ? await resolver?.resolveStatus(q) : null);
      return status && (await this.statuses.canSee(status, viewerId)) ? [status] : [];
    }
    // Full-text search is for signed-in users, as on Mastodon.
    if (viewerId === null) return [];
    const ids = await this.repo.statuses(q, viewerId, { exclude, accountId: query.accountId, limit: query.limit, offset: query.offset });
    return byIds(await this.statuses.findByIds(ids), ids);
  }

  private async searchHashtags(query: SearchQuery) {
    const name = query.q.trim().replace(/^#/, "");
    if (!isHashtagPrefix(name)) return [];
    const ids = await this.repo.hashtags(name, { limit: query.limit, offset: query.offset });
    return byIds(await this.repo.tagsByIds(ids), ids);
  }

  tag(name: string) {
    return this.repo.tagByName(name);
  }
}
