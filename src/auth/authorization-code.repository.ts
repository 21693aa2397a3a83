import type { Db } from "../db/client.ts";

export class AuthorizationCodeRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  create(data: { codeHash: string; applicationId: bigint; accountId: bigint; redirectUri: string; scopes: string[]; codeChallenge: string | null; codeChallengeMethod: string | null; expiresAt: Date }) {
    return this.db.authorizationCode.create({ data: { ...data } });
  }

  findUnused(codeHash: string) {
    return this.db.authorizationCode.findFirst({ where: { codeHash, usedAt: null } });
  }

  /** Marks the code used; true only for the one exchange that got there first. */
  async consume(id: bigint, at: Date): Promise<boolean> {
    const { count } = await this.db.authorizationCode.updateMany({ where: { id, usedAt: null }, data: { usedAt: at } });
    return count === 1;
  }
}
