import type { Db } from "../db/client.ts";

export class RegistrationRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  /**
   * Runs `work` in one transaction and hands it a Db bound to that
   * transaction, so the account, its user and the invite use it claims are
   * stored together or not at all.
   */
  transaction<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    // A transaction client has every model delegate a repository uses; it only lacks $connect and $transaction.
    return this.db.$transaction((tx) => work(tx as unknown as Db), { timeout: 30_000 });
  }

  /** Local usernames, suspended accounts' included, compared case-insensitively. */
  usernameTaken(username: string) {
    return this.db.account.count({ where: { username: { equals: username, mode: "insensitive" }, domain: null } }).then((n) => n > 0);
  }

  emailTaken(email: string) {
    return this.db.user.count({ where: { email: { equals: email, mode: "insensitive" } } }).then((n) => n > 0);
  }

  async completeUser(accountId: bigint, data: { passwordHash: string; email: string | null; locale: string; reason: string | null; approved: boolean; inviteId: bigint | null }): Promise<void> {
    await this.db.user.update({ where: { accountId }, data });
  }
}
