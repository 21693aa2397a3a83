import type { AccountService } from "../accounts/account.service.ts";
import type { SuggestionRepository } from "./suggestion.repository.ts";

// Whom to follow (Mastodon's /api/v2/suggestions), from one simple source:
// the most followed local accounts that opted into discovery. Mastodon calls
// that source "most_followed" (legacy "global"). A dismissed account is not
// suggested again.

export class SuggestionService {
  private readonly repo: SuggestionRepository;
  private readonly accounts: AccountService;

  constructor(repo: SuggestionRepository, accounts: AccountService) {
    this.repo = repo;
    this.accounts = accounts;
  }

  async suggest(viewerId: bigint, limit: number) {
    const accounts = await this.repo.popularLocal(viewerId, limit);
    return accounts.map((account) => ({ account, sources: ["most_followed"] as const }));
  }

  async dismiss(accountId: bigint, targetId: bigint) {
    await this.accounts.get(targetId);
    await this.repo.dismiss(accountId, targetId);
  }
}
