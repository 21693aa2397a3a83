import type { Db } from "../db/client.ts";

export class AccountNoteRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  save(accountId: bigint, targetId: bigint, comment: string) {
    return this.db.accountNote.upsert({
      where: { accountId_targetId: { accountId, targetId } },
      create: { accountId, targetId, comment },
      update: { comment },
    });
  }

  remove(accountId: bigint, targetId: bigint) {
    return this.db.accountNote.deleteMany({ where: { accountId, targetId } });
  }

  among(accountId: bigint, targetIds: bigint[]) {
    return this.db.accountNote.findMany({ where: { accountId, targetId: { in: targetIds } }, select: { targetId: true, comment: true } });
  }
}
