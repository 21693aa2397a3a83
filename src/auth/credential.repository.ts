import type { Db } from "../db/client.ts";

// The sign-in side of local users: password hashes, e-mail addresses, state.

export class CredentialRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  /** A local user by username or e-mail address, both case-insensitive. */
  findByLogin(login: string) {
    const where = login.includes("@")
      ? { email: { equals: login, mode: "insensitive" as const } }
      : { account: { username: { equals: login, mode: "insensitive" as const }, domain: null } };
    return this.db.user.findFirst({ where, include: { account: true } });
  }

  passwordHashOf(accountId: bigint) {
    return this.db.user.findUnique({ where: { accountId }, select: { passwordHash: true } });
  }

  async setPassword(accountId: bigint, passwordHash: string): Promise<void> {
    await this.db.user.update({ where: { accountId }, data: { passwordHash } });
  }

  async recordSignIn(accountId: bigint, at: Date): Promise<void> {
    await this.db.user.update({ where: { accountId }, data: { lastSignInAt: at } });
  }
}
