import type { Db } from "../db/client.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { newId } from "../ids.ts";

export const statusInclude = {
  account: true,
  mentions: { include: { account: true } },
  tags: { include: { tag: true } },
  reblogOf: { include: { account: true, mentions: { include: { account: true } }, tags: { include: { tag: true } } } },
} satisfies Prisma.StatusInclude;

export type StatusView = Prisma.StatusGetPayload<{ include: typeof statusInclude }>;

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

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

  /**
   * Writes a status with its mentions and tags, bumping the author's and the
   * parent's counters, in one transaction. Returns null if the uri exists.
   */
  async insert(data: Prisma.StatusUncheckedCreateInput & { id: bigint }, mentionIds: bigint[], tags: string[]) {
    return this.db.$transaction(async (tx) => {
      const inserted = await tx.status.createMany({ data: [data], skipDuplicates: true });
      if (inserted.count === 0) return null;
      await this.link(tx, data.id, mentionIds, tags);
      await tx.account.update({
        where: { id: data.accountId },
        data: { statusesCount: { increment: 1 }, lastStatusAt: new Date() },
      });
      if (data.inReplyToId) {
        await tx.status.update({ where: { id: data.inReplyToId }, data: { repliesCount: { increment: 1 } } });
      }
      if (data.reblogOfId) {
        await tx.status.update({ where: { id: data.reblogOfId }, data: { reblogsCount: { increment: 1 } } });
      }
      return tx.status.findUnique({ where: { id: data.id }, include: statusInclude });
    });
  }

  async update(id: bigint, data: Prisma.StatusUncheckedUpdateInput, mentionIds: bigint[], tags: string[]) {
    return this.db.$transaction(async (tx) => {
      await tx.status.update({ where: { id }, data });
      await tx.mention.deleteMany({ where: { statusId: id } });
      await tx.statusTag.deleteMany({ where: { statusId: id } });
      await this.link(tx, id, mentionIds, tags);
      return tx.status.findUnique({ where: { id }, include: statusInclude });
    });
  }

  /** Deletes a status and its reblogs; counters follow. Returns what was removed. */
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
}
