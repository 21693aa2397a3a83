import type { Db } from "../db/client.ts";
import { newId } from "../ids.ts";

export class TokenRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  create(data: { tokenHash: string; accountId: bigint | null; applicationId: bigint | null; scopes: string[] }) {
    return this.db.accessToken.create({ data: { id: newId(), ...data } });
  }

  findActive(tokenHash: string) {
    return this.db.accessToken.findFirst({
      where: { tokenHash, revokedAt: null },
      include: { account: { include: { user: true } } },
    });
  }
}
