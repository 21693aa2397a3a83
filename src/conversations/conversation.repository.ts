import type { Db } from "../db/client.ts";
import { execute } from "../db/direct.ts";
import { Prisma } from "../generated/prisma/client.ts";

export class ConversationRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  /**
   * The thread a direct status belongs to: its own if set, else its parent's,
   * else a new one. Both the status and a parent without one are stamped, so
   * later replies find it.
   */
  async threadOf(status: { id: bigint; conversationId: bigint | null; inReplyToId: bigint | null }): Promise<bigint> {
    if (status.conversationId !== null) return status.conversationId;
    const parent = status.inReplyToId ? await this.db.status.findUnique({ where: { id: status.inReplyToId }, select: { id: true, conversationId: true } }) : null;
    let conversationId = parent?.conversationId ?? null;
    if (conversationId === null) {
      conversationId = (await this.db.conversation.create({ data: {} })).id;
    }
    const ids = parent && parent.conversationId === null ? [status.id, parent.id] : [status.id];
    await this.db.status.updateMany({ where: { id: { in: ids }, conversationId: null }, data: { conversationId } });
    return conversationId;
  }

  /**
   * Records a status in one account's view of the thread. The last status only
   * moves forward (a late, older delivery does not rewind it), and unread
   * follows whoever wrote the newest one.
   */
  async record(accountId: bigint, conversationId: bigint, participantIds: bigint[], statusId: bigint, unread: boolean) {
    await execute(this.db, Prisma.sql`
      INSERT INTO "AccountConversation" (id, "accountId", "conversationId", "participantIds", "lastStatusId", unread, "updatedAt")
      VALUES (kith_id(), ${accountId}, ${conversationId}, ${participantIds}::bigint[], ${statusId}, ${unread}, now())
      ON CONFLICT ("accountId", "conversationId") DO UPDATE SET
        "participantIds" = ARRAY(SELECT DISTINCT unnest("AccountConversation"."participantIds" || EXCLUDED."participantIds")),
        unread = CASE WHEN EXCLUDED."lastStatusId" > COALESCE("AccountConversation"."lastStatusId", 0) THEN EXCLUDED.unread ELSE "AccountConversation".unread END,
        "lastStatusId" = GREATEST(EXCLUDED."lastStatusId", "AccountConversation"."lastStatusId"),
        "updatedAt" = now()`);
  }

  /** Newest conversation first, paged by the id of each one's last status (as Mastodon does). */
  page(accountId: bigint, range: { lt?: bigint; gt?: bigint } | undefined, limit: number, ascending: boolean) {
    return this.db.accountConversation.findMany({
      where: { accountId, lastStatusId: range ? { not: null, ...range } : { not: null } },
      orderBy: { lastStatusId: ascending ? "asc" : "desc" },
      take: limit,
    });
  }

  find(accountId: bigint, id: bigint) {
    return this.db.accountConversation.findFirst({ where: { id, accountId } });
  }

  markRead(id: bigint) {
    return this.db.accountConversation.update({ where: { id }, data: { unread: false } });
  }

  delete(id: bigint) {
    return this.db.accountConversation.deleteMany({ where: { id } });
  }
}
