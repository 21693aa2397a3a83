import type { Db } from "../db/client.ts";
import type { OAuthApplication } from "../generated/prisma/client.ts";

export type { OAuthApplication };

export class ApplicationRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  create(data: { name: string; website: string | null; clientId: string; clientSecret: string; redirectUris: string[]; scopes: string[] }) {
    return this.db.oAuthApplication.create({ data: { ...data } });
  }

  findById(id: bigint) {
    return this.db.oAuthApplication.findUnique({ where: { id } });
  }

  findByClientId(clientId: string) {
    return this.db.oAuthApplication.findUnique({ where: { clientId } });
  }
}
