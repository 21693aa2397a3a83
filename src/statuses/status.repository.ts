import type { Db } from "../db/client.ts";
import { unprocessable } from "../errors.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { newId } from "../ids.ts";
import type { PollData } from "../polls/poll.rules.ts";

const media = { orderBy: { id: "asc" } } as const;

export const statusInclude = {
  account: true,
  mentions: { include: { account: true } },
  tags: { include: { tag: true } },
  media,
  poll: true,
  reblogOf: { include: { account: true, mentions: { include: { account: true } }, tags: { include: { tag: true } }, media, poll: true } },
} satisfies Prisma.StatusInclude;

export type StatusView = Prisma.StatusGetPayload<{ include: typeof statusInclude }>;

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/** What a status carries besides its own row: local media to attach, a poll, its thread. */
export type StatusParts = {
  mediaIds?: bigint[];
  poll?: PollData & { uri?: string | null };
  /** The thread to join (a reply's parent's); a new one when absent. */
  conversationId?: bigint | null;
};

/** A version of a status as it was before an edit. */
export type EditSnapshot = { content: string; spoilerText: string; sensitive: boolean; mediaIds: bigint[]; pollOptions: string[]; createdAt: Date };

export type StatusChanges = {
  /** Saved as an earlier version (StatusEdit) in the same transaction. */
  previous?: EditSnapshot;
  /** The full new list of local media; others attached so far are detached, to be reused. */
  mediaIds?: bigint[];
  /** New alt text and focal points of attached media. */
  mediaChanges?: { id: bigint; description?: string | null; focusX?: number; focusY?: number }[];
  /** null removes the poll; `resetVotes` drops the votes cast so far. */
  poll?: { set: PollData & { uri?: string | null }; resetVotes: boolean } | null;
};

export class StatusRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  findById(id: bigint) {
    return this.db.status.findUnique({ where: { id }, include: statusInclude });
  }

  findByIds(ids: bigint[]) {
    return this.db.status.findMany({ where: { id: { in: ids } }, include: statusInclude });
  }

  findByUri(uri: string) {
    return this.db.status.findUnique({ where: { uri }, include: statusInclude });
  }

  findReblog(accountId: bigint, reblogOfId: bigint) {
    return this.db.status.findFirst({ where: { accountId, reblogOfId }, include: statusInclude });
  }

  /** Every reblog of a status: they go when it goes (the foreign key cascades). */
  reblogsOf(reblogOfId: bigint) {
    return this.db.status.findMany({ where: { reblogOfId }, include: statusInclude });
  }

  /**
   * Writes a status with its mentions, tags, media, poll and thread, bumping
   * the author's and the parent's counters, in one transaction. Returns null
   * if the uri exists.
   */
  async insert(data: Prisma.StatusUncheckedCreateInput & { id: bigint }, mentionIds: bigint[], tags: string[], parts: StatusParts = {}) {
    return this.db.$transaction(async (tx) => {
      // A new thread gets its conversation first, so the status row is written once.
      const newConversation = !data.reblogOfId && (parts.conversationId ?? null) === null ? newId() : null;
      if (newConversation !== null) await tx.conversation.create({ data: { id: newConversation } });
      const conversationId = data.reblogOfId ? undefined : (newConversation ?? parts.conversationId);
      const inserted = await tx.status.createMany({ data: [{ ...data, conversationId }], skipDuplicates: true });
      if (inserted.count === 0) {
        if (newConversation !== null) await tx.conversation.delete({ where: { id: newConversation } });
        return null;
      }
      await this.link(tx, data.id, mentionIds, tags);
      if (parts.mediaIds?.length) await this.attachMedia(tx, data.id, BigInt(data.accountId), parts.mediaIds);
      if (parts.poll) await tx.poll.create({ data: { id: newId(), statusId: data.id, ...parts.poll } });
      // updateMany: counters need no row back.
      await tx.account.updateMany({
        where: { id: data.accountId },
        data: { statusesCount: { increment: 1 }, lastStatusAt: new Date() },
      });
      if (data.inReplyToId) {
        await tx.status.updateMany({ where: { id: data.inReplyToId }, data: { repliesCount: { increment: 1 } } });
      }
      if (data.reblogOfId) {
        await tx.status.updateMany({ where: { id: data.reblogOfId }, data: { reblogsCount: { increment: 1 } } });
      }
      return tx.status.findUnique({ where: { id: data.id }, include: statusInclude });
    });
  }

  async update(id: bigint, data: Prisma.StatusUncheckedUpdateInput, mentionIds: bigint[], tags: string[], changes: StatusChanges = {}) {
    return this.db.$transaction(async (tx) => {
      if (changes.previous) await tx.statusEdit.create({ data: { id: newId(), statusId: id, ...changes.previous } });
      const status = await tx.status.update({ where: { id }, data });
      await tx.mention.deleteMany({ where: { statusId: id } });
      await tx.statusTag.deleteMany({ where: { statusId: id } });
      await this.link(tx, id, mentionIds, tags);
      if (changes.mediaIds) {
        await tx.mediaAttachment.updateMany({ where: { statusId: id, id: { notIn: changes.mediaIds } }, data: { statusId: null } });
        if (changes.mediaIds.length) await this.attachMedia(tx, id, status.accountId, changes.mediaIds);
      }
      for (const m of changes.mediaChanges ?? []) {
        const { id: mediaId, ...fields } = m;
        await tx.mediaAttachment.updateMany({ where: { id: mediaId, statusId: id }, data: fields });
      }
      if (changes.poll === null) await tx.poll.deleteMany({ where: { statusId: id } });
      if (changes.poll) {
        const { set, resetVotes } = changes.poll;
        const poll = await tx.poll.upsert({ where: { statusId: id }, create: { id: newId(), statusId: id, ...set }, update: set });
        if (resetVotes) await tx.pollVote.deleteMany({ where: { pollId: poll.id } });
      }
      return tx.status.findUnique({ where: { id }, include: statusInclude });
    });
  }

  /** Claims media for a status; all or nothing, so media cannot end up on two statuses. */
  private async attachMedia(tx: Tx, statusId: bigint, accountId: bigint, mediaIds: bigint[]) {
    await tx.mediaAttachment.updateMany({ where: { id: { in: mediaIds }, accountId, statusId: null }, data: { statusId } });
    const attached = await tx.mediaAttachment.count({ where: { id: { in: mediaIds }, statusId } });
    if (attached !== new Set(mediaIds).size) throw unprocessable("Validation failed: Media ids must be your own media, not attached to another status");
  }

  /** Deletes a status and its reblogs; counters follow, its media are detached for a redraft. Returns what was removed. */
  async delete(id: bigint) {
    return this.db.$transaction(async (tx) => {
      const status = await tx.status.findUnique({ where: { id }, include: { mentions: true, reblogOf: { select: { accountId: true } } } });
      if (!status) return null;
      await tx.status.delete({ where: { id } });
      await tx.account.update({ where: { id: status.accountId }, data: { statusesCount: { decrement: 1 } } });
      if (status.inReplyToId) {
        await tx.status.updateMany({ where: { id: status.inReplyToId, repliesCount: { gt: 0 } }, data: { repliesCount: { decrement: 1 } } });
      }
      if (status.reblogOfId) {
        await tx.status.updateMany({ where: { id: status.reblogOfId, reblogsCount: { gt: 0 } }, data: { reblogsCount: { decrement: 1 } } });
      }
      return status;
    });
  }

  private async link(tx: Tx, statusId: bigint, mentionIds: bigint[], tags: string[]) {
    if (mentionIds.length) {
      await tx.mention.createMany({ data: mentionIds.map((accountId) => ({ statusId, accountId })), skipDuplicates: true });
    }
    for (const name of tags) {
      const tag = await tx.tag.upsert({ where: { name }, update: {}, create: { id: newId(), name } });
      await tx.statusTag.createMany({ data: [{ statusId, tagId: tag.id }], skipDuplicates: true });
    }
  }

  publicPage(where: Prisma.StatusWhereInput, range: { lt?: bigint; gt?: bigint } | undefined, limit: number, ascending: boolean) {
    return this.db.status.findMany({
      where: { ...where, ...(range ? { id: range } : {}) },
      orderBy: { id: ascending ? "asc" : "desc" },
      take: limit,
      include: statusInclude,
    });
  }

  ancestorsAndDescendants(id: bigint) {
    return this.db.status.findMany({ where: { inReplyToId: id }, include: statusInclude, orderBy: { id: "asc" } });
  }

  /** Earlier versions, oldest first. */
  edits(statusId: bigint) {
    return this.db.statusEdit.findMany({ where: { statusId }, orderBy: { id: "asc" } });
  }

  /** Who favourited a status, newest first, paged by the favourite's id. */
  favouritedBy(statusId: bigint, range: { lt?: bigint; gt?: bigint } | undefined, limit: number, ascending: boolean) {
    return this.db.favourite.findMany({
      where: { statusId, ...(range ? { id: range } : {}) },
      orderBy: { id: ascending ? "asc" : "desc" },
      take: limit,
      include: { account: true },
    });
  }

  /** Who reblogged a status, newest first, paged by the reblog's id. */
  rebloggedBy(statusId: bigint, range: { lt?: bigint; gt?: bigint } | undefined, limit: number, ascending: boolean) {
    return this.db.status.findMany({
      where: { reblogOfId: statusId, ...(range ? { id: range } : {}) },
      orderBy: { id: ascending ? "asc" : "desc" },
      take: limit,
      select: { id: true, account: true },
    });
  }
}
