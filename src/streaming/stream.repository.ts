import type { Db } from "../db/client.ts";

/** The lookups streaming needs that no other service offers: the lists an author is in and one account's view of a conversation. */
export class StreamRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  /** Lists with this account as a member: where its posts may have been shown. */
  listsWithMember(accountId: bigint): Promise<bigint[]> {
    return this.db.listAccount.findMany({ where: { accountId }, select: { listId: true } }).then((rows) => rows.map((r) => r.listId));
  }

  accountConversation(accountId: bigint, conversationId: bigint) {
    return this.db.accountConversation.findUnique({ where: { accountId_conversationId: { accountId, conversationId } } });
  }
}
