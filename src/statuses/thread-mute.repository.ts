import type { Db } from "../db/client.ts";

// Muted threads (Mastodon's conversation mutes): a thread is the
// conversation its statuses share; muting it silences its notifications.

export class ThreadMuteRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  /** The status's thread, made now for statuses stored before threads were tracked. */
  async threadOf(status: { id: bigint; conversationId: bigint | null }): Promise<bigint> {
    if (status.conversationId !== null) return status.conversationId;
    const conversationId = (await this.db.conversation.create({ data: {} })).id;
    await this.db.status.updateMany({ where: { id: status.id, conversationId: null }, data: { conversationId } });
    const row = await this.db.status.findUnique({ where: { id: status.id }, select: { conversationId: true } });
    return row?.conversationId ?? conversationId;
  }

  async mute(accountId: bigint, conversationId: bigint) {
    await this.db.conversationMute.createMany({ data: [{ accountId, conversationId }], skipDuplicates: true });
  }

  async unmute(accountId: bigint, conversationId: bigint) {
    await this.db.conversationMute.deleteMany({ where: { accountId, conversationId } });
  }

  async isMuted(accountId: bigint, conversationId: bigint | null): Promise<boolean> {
    if (conversationId === null) return false;
    return (await this.db.conversationMute.count({ where: { accountId, conversationId } })) > 0;
  }

  /** Which of these accounts muted the thread of a status. */
  async mutersAmong(statusId: bigint, accountIds: bigint[]): Promise<Set<bigint>> {
    if (!accountIds.length) return new Set();
    const rows = await this.db.conversationMute.findMany({
      where: { accountId: { in: accountIds }, conversation: { statuses: { some: { id: statusId } } } },
      select: { accountId: true },
    });
    return new Set(rows.map((r) => r.accountId));
  }
}
