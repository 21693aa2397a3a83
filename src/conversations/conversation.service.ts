import { notFound } from "../errors.ts";
import type { IdRange } from "../notifications/notification.repository.ts";
import { idWhere } from "../notifications/notification.repository.ts";
import type { ConversationRepository } from "./conversation.repository.ts";

/** What conversation tracking needs of a stored status. */
export type DirectStatus = {
  id: bigint;
  accountId: bigint;
  visibility: string;
  conversationId: bigint | null;
  inReplyToId: bigint | null;
  account: { domain: string | null };
  mentions: { accountId: bigint; account: { domain: string | null } }[];
};

// Mastodon's direct-message conversations: every local participant of a
// direct status gets their own view of the thread (participants, last status,
// unread), whether the status was written here or arrived from another server.

export class ConversationService {
  private readonly conversations: ConversationRepository;

  constructor(conversations: ConversationRepository) {
    this.conversations = conversations;
  }

  /** Idempotent: recording the same status twice changes nothing. */
  async track(status: DirectStatus) {
    if (status.visibility !== "direct") return;
    const everyone = [status.accountId, ...status.mentions.map((m) => m.accountId)];
    const locals = new Set<bigint>(status.mentions.filter((m) => m.account.domain === null).map((m) => m.accountId));
    if (status.account.domain === null) locals.add(status.accountId);
    if (!locals.size) return;
    const conversationId = await this.conversations.threadOf(status);
    for (const accountId of locals) {
      const others = [...new Set(everyone.filter((id) => id !== accountId))];
      await this.conversations.record(accountId, conversationId, others, status.id, accountId !== status.accountId);
    }
  }

  async page(accountId: bigint, range: IdRange) {
    const rows = await this.conversations.page(accountId, idWhere(range), range.limit, range.minId !== undefined);
    return rows.sort((a, b) => (a.lastStatusId! < b.lastStatusId! ? 1 : a.lastStatusId! > b.lastStatusId! ? -1 : 0));
  }

  async get(accountId: bigint, id: bigint) {
    const row = await this.conversations.find(accountId, id);
    if (!row) throw notFound("Conversation");
    return row;
  }

  async markRead(accountId: bigint, id: bigint) {
    await this.get(accountId, id);
    return this.conversations.markRead(id);
  }

  /** Removes the conversation from this account's list only; the statuses stay. */
  async remove(accountId: bigint, id: bigint) {
    await this.get(accountId, id);
    await this.conversations.delete(id);
  }
}
