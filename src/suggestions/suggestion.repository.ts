import type { Db } from "../db/client.ts";
import { activeMute } from "../mutes/mute.repository.ts";

export class SuggestionRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  /**
   * Local, discoverable, approved and active accounts the viewer neither
   * follows nor asked to follow, with no block either way, no active mute and
   * no dismissal; the most followed first.
   */
  popularLocal(viewerId: bigint, limit: number, now = new Date()) {
    return this.db.account.findMany({
      where: {
        id: { not: viewerId },
        domain: null,
        discoverable: true,
        suspendedAt: null,
        silencedAt: null,
        movedToUri: null,
        user: { is: { approved: true, disabledAt: null } },
        followers: { none: { followerId: viewerId } },
        blocking: { none: { targetId: viewerId } },
        blockedBy: { none: { accountId: viewerId } },
        mutedBy: { none: { accountId: viewerId, ...activeMute(now) } },
        dismissedBy: { none: { accountId: viewerId } },
      },
      orderBy: [{ followersCount: "desc" }, { id: "asc" }],
      take: limit,
    });
  }

  /** Dismissing twice keeps the first dismissal. */
  async dismiss(accountId: bigint, targetId: bigint) {
    await this.db.suggestionDismissal.createMany({ data: [{ accountId, targetId }], skipDuplicates: true });
  }
}
