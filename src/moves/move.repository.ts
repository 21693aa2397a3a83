import type { Db } from "../db/client.ts";
import type { AccountMove, Follow } from "../generated/prisma/client.ts";

export type { AccountMove };
export type MoveDirection = "out" | "in";

/** A local follower of the moving account, with what their follow carries over. */
export type MovingFollow = Pick<Follow, "id" | "followerId" | "showReblogs" | "notify">;

export class MoveRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  /**
   * The origin points at the target and the move that carries its followers
   * over is recorded, in one transaction: a move is never half made.
   */
  record(originId: bigint, target: { id: bigint; uri: string }, direction: MoveDirection, at = new Date()): Promise<AccountMove> {
    return this.db.$transaction(async (tx) => {
      await tx.account.update({ where: { id: originId }, data: { movedToUri: target.uri, movedAt: at } });
      const followersTotal = await tx.follow.count({ where: { followingId: originId, follower: { domain: null } } });
      return tx.accountMove.create({ data: { originId, targetId: target.id, direction, followersTotal, createdAt: at } });
    });
  }

  findById(id: bigint) {
    return this.db.accountMove.findUnique({ where: { id } });
  }

  /** The account's moves, newest first. */
  of(originId: bigint, limit = 20) {
    return this.db.accountMove.findMany({ where: { originId }, orderBy: { id: "desc" }, take: limit });
  }

  /** Moves whose job has not finished: what a starting worker queues again. */
  unfinished() {
    return this.db.accountMove.findMany({ where: { finishedAt: null }, select: { id: true } });
  }

  /** The next local followers of the origin after `cursor`, oldest follow first. */
  localFollowersAfter(originId: bigint, cursor: bigint, limit: number): Promise<MovingFollow[]> {
    return this.db.follow.findMany({
      where: { followingId: originId, id: { gt: cursor }, follower: { domain: null } },
      orderBy: { id: "asc" },
      take: limit,
      select: { id: true, followerId: true, showReblogs: true, notify: true },
    });
  }

  /** Local followers the job has not reached yet. */
  localFollowersLeft(originId: bigint, cursor: bigint) {
    return this.db.follow.count({ where: { followingId: originId, id: { gt: cursor }, follower: { domain: null } } });
  }

  /** A batch is done: the cursor and the count of followers who could not move go together. */
  advance(id: bigint, cursor: bigint, failed: number) {
    return this.db.accountMove.update({ where: { id }, data: { cursor, followersFailed: { increment: failed } } });
  }

  finish(id: bigint) {
    return this.db.accountMove.updateMany({ where: { id, finishedAt: null }, data: { finishedAt: new Date() } });
  }

  /** The follower's lists that hold the origin take the target as well. */
  async copyListMemberships(ownerId: bigint, fromId: bigint, toId: bigint) {
    const lists = await this.db.listAccount.findMany({ where: { accountId: fromId, list: { accountId: ownerId } }, select: { listId: true } });
    if (lists.length) await this.db.listAccount.createMany({ data: lists.map((l) => ({ listId: l.listId, accountId: toId })), skipDuplicates: true });
  }

  /** Local accounts that block the origin. */
  async localBlockerIds(originId: bigint): Promise<bigint[]> {
    const rows = await this.db.block.findMany({ where: { targetId: originId, account: { domain: null } }, select: { accountId: true } });
    return rows.map((r) => r.accountId);
  }

  /** Local accounts that mute the origin, with their mute's options. */
  localMutes(originId: bigint) {
    return this.db.mute.findMany({ where: { targetId: originId, account: { domain: null }, OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] }, select: { accountId: true, notifications: true, expiresAt: true } });
  }

  /** Remote accounts that block the origin: their servers hear of the Move too (Mastodon sends it there). */
  remoteBlockers(originId: bigint) {
    return this.db.account.findMany({ where: { domain: { not: null }, blocking: { some: { targetId: originId } } }, select: { uri: true, inboxUrl: true, sharedInboxUrl: true } });
  }

  /** The redirect goes; the moves already made stay. */
  clearRedirect(accountId: bigint) {
    return this.db.account.update({ where: { id: accountId }, data: { movedToUri: null } });
  }
}
