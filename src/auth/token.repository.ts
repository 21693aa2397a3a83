import type { Db } from "../db/client.ts";

export type NewToken = {
  tokenHash: string;
  refreshTokenHash?: string | null;
  accountId: bigint | null;
  applicationId: bigint | null;
  scopes: string[];
  expiresAt?: Date | null;
};

export class TokenRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  create(data: NewToken) {
    return this.db.accessToken.create({ data: { ...data } });
  }

  findActive(tokenHash: string) {
    return this.db.accessToken.findFirst({
      where: { tokenHash, revokedAt: null },
      include: { account: { include: { user: true } } },
    });
  }

  findActiveByRefresh(refreshTokenHash: string) {
    return this.db.accessToken.findFirst({ where: { refreshTokenHash, revokedAt: null }, include: { application: true } });
  }

  /** An access or refresh token, revoked or not: revocation must tell "unknown" from "someone else's". */
  findByEitherHash(hash: string) {
    return this.db.accessToken.findFirst({ where: { OR: [{ tokenHash: hash }, { refreshTokenHash: hash }] } });
  }

  /**
   * True only for the caller that revoked it: two refreshes racing on one token cannot both win.
   * Its Web Push subscription goes with it, as on Mastodon.
   */
  async revoke(id: bigint, at: Date): Promise<boolean> {
    const [{ count }] = await this.db.$transaction([
      this.db.accessToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: at } }),
      this.db.pushSubscription.deleteMany({ where: { accessTokenId: id } }),
    ]);
    return count === 1;
  }

  /** Writes lastUsedAt only when it is older than `staleBefore`, so busy tokens cost one write an hour. */
  async touch(id: bigint, at: Date, staleBefore: Date): Promise<void> {
    await this.db.accessToken.updateMany({
      where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: staleBefore } }] },
      data: { lastUsedAt: at },
    });
  }
}
