import type { Db } from "../db/client.ts";
import { execute, queryRows } from "../db/direct.ts";
import { Prisma, type AccountMove, type Follow } from "../generated/prisma/client.ts";
import type { FollowState } from "../generated/prisma/enums.ts";
import type { Outbound } from "../jobs/jobs.ts";
import { NotificationRepository } from "../notifications/notification.repository.ts";

export type { AccountMove };
export type MoveDirection = "out" | "in";

/** A local follower of the moving account, with what their follow carries over. */
export type MovingFollow = Pick<Follow, "id" | "followerId" | "showReblogs" | "notify"> & { follower: { movedToUri: string | null; suspendedAt: Date | null } };

/** What one batch of a move changed, for the side effects that follow it. */
export type Repointed = {
  /** Followers who could not move: the target blocks them or they it, or they have moved or been suspended themselves. */
  refused: number;
  /** Follows of the target this batch made (pending when the target is remote: its server must accept). */
  made: { id: bigint; followerId: bigint; state: FollowState }[];
  /** Follows of the origin this batch ended. */
  ended: { followerId: bigint; uri: string }[];
  /** The `move` notifications made, with the push subscriptions that want them. */
  notices: { id: bigint; accountId: bigint; pushTo: bigint[] }[];
};

export type RepointTarget = { id: bigint; domain: string | null };

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

  /** The moves of an account, away from it or to it, newest first. */
  of(accountId: bigint, limit = 20) {
    return this.db.accountMove.findMany({ where: { OR: [{ originId: accountId }, { targetId: accountId }] }, orderBy: { id: "desc" }, take: limit });
  }

  /** The last time this local account moved away. */
  lastOut(originId: bigint) {
    return this.db.accountMove.findFirst({ where: { originId, direction: "out" }, orderBy: { id: "desc" } });
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
      select: { id: true, followerId: true, showReblogs: true, notify: true, follower: { select: { movedToUri: true, suspendedAt: true } } },
    });
  }

  /** Local followers the job has not reached yet. */
  localFollowersLeft(originId: bigint, cursor: bigint) {
    return this.db.follow.count({ where: { followingId: originId, id: { gt: cursor }, follower: { domain: null } } });
  }

  /**
   * Moves one batch of local followers from the origin to the target in one
   * transaction: the follows of the target (options kept), the lists, the
   * `move` notifications, the end of the follows of the origin, every
   * counter, the move's cursor, and what other servers must be told of it
   * (`tell`, kept in `unsent` until queued). So a batch is done whole or not
   * at all, and a job run again redoes nothing and forgets nothing.
   *
   * A local target's new follows are accepted at once, as Mastodon rewrites
   * them: the target asked for these followers by naming the origin.
   */
  repoint(move: Pick<AccountMove, "id" | "originId">, batch: MovingFollow[], target: RepointTarget, followUriPrefix: string, tell: (done: Repointed) => Outbound[]): Promise<Repointed> {
    const now = new Date();
    return this.db.$transaction(
      async (tx) => {
        // No join with Account: right after a bulk write its statistics may be stale, and the plan with them was quadratic.
        const free = batch.filter((f) => f.followerId !== target.id && f.follower.movedToUri === null && f.follower.suspendedAt === null);
        const ok = await queryRows<{ followerId: bigint; showReblogs: boolean; notify: boolean }>(tx, Prisma.sql`
          SELECT b.fid AS "followerId", b.reblogs AS "showReblogs", b.notify
          FROM unnest(${free.map((f) => String(f.followerId))}::bigint[], ${free.map((f) => f.showReblogs)}::boolean[], ${free.map((f) => f.notify)}::boolean[]) AS b(fid, reblogs, notify)
          WHERE NOT EXISTS (SELECT 1 FROM "Block" x WHERE (x."accountId" = b.fid AND x."targetId" = ${target.id}::bigint) OR (x."accountId" = ${target.id}::bigint AND x."targetId" = b.fid))
            AND NOT EXISTS (SELECT 1 FROM "AccountDomainBlock" d WHERE d."accountId" = b.fid AND d.domain = ${target.domain})`);
        const ids = ok.map((f) => String(f.followerId));
        const state: FollowState = target.domain === null ? "accepted" : "pending";
        const made = await queryRows<{ id: bigint; followerId: bigint; state: FollowState }>(tx, Prisma.sql`
          INSERT INTO "Follow" (id, "followerId", "followingId", uri, state, "showReblogs", notify, "createdAt")
          SELECT n.id, n.fid, ${target.id}::bigint, ${followUriPrefix} || n.id::text, ${state}::"FollowState", n.reblogs, n.notify, ${now}::timestamp(3)
          FROM (SELECT kith_id() AS id, o.* FROM unnest(${ids}::bigint[], ${ok.map((f) => f.showReblogs)}::boolean[], ${ok.map((f) => f.notify)}::boolean[]) AS o(fid, reblogs, notify)) n
          ON CONFLICT DO NOTHING
          RETURNING id, "followerId", state`);
        const accepted = made.filter((f) => f.state === "accepted").map((f) => String(f.followerId));
        await count(tx, accepted, target.id, 1);
        await execute(tx, Prisma.sql`
          INSERT INTO "ListAccount" ("listId", "accountId")
          SELECT la."listId", ${target.id}::bigint FROM "ListAccount" la JOIN "List" l ON l.id = la."listId"
          WHERE la."accountId" = ${move.originId}::bigint AND l."accountId" = ANY(${ids}::bigint[])
          ON CONFLICT DO NOTHING`);
        const ended = await queryRows<{ followerId: bigint; uri: string; state: FollowState }>(tx, Prisma.sql`
          DELETE FROM "Follow" WHERE "followingId" = ${move.originId}::bigint AND "followerId" = ANY(${ids}::bigint[])
          RETURNING "followerId", uri, state`);
        await count(tx, ended.filter((f) => f.state === "accepted").map((f) => String(f.followerId)), move.originId, -1);
        const notices = await new NotificationRepository(tx as unknown as Db).createManyUnlessSilenced(ok.map((f) => f.followerId), move.originId, "move");
        const done: Repointed = { refused: batch.length - ok.length, made, ended, notices };
        const unsent = tell(done);
        await tx.accountMove.update({ where: { id: move.id }, data: { cursor: batch.at(-1)!.id, followersFailed: { increment: done.refused }, unsent } });
        return done;
      },
      { timeout: 60_000 },
    );
  }

  /** What a batch left to send, once queued. */
  clearUnsent(id: bigint) {
    return this.db.accountMove.update({ where: { id }, data: { unsent: [] } });
  }

  finish(id: bigint) {
    return this.db.accountMove.updateMany({ where: { id, finishedAt: null }, data: { finishedAt: new Date() } });
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

  async anyLocalMoved(): Promise<boolean> {
    return (await this.db.account.count({ where: { domain: null, movedToUri: { not: null } }, take: 1 })) > 0;
  }

  /**
   * The latest move out of each moved local account that the remote actor
   * `actorUri` still follows (its server missed it), with that server's
   * inbox: one indexed statement, as it runs after every inbox activity.
   */
  missedBy(actorUri: string): Promise<{ id: bigint; followerId: bigint; inbox: string }[]> {
    return queryRows(this.db, Prisma.sql`
      SELECT DISTINCT ON (a.id) m.id, s.id AS "followerId", COALESCE(s."sharedInboxUrl", s."inboxUrl") AS inbox
      FROM "Account" s
      JOIN "Follow" f ON f."followerId" = s.id
      JOIN "Account" a ON a.id = f."followingId" AND a.domain IS NULL AND a."movedToUri" IS NOT NULL
      JOIN "AccountMove" m ON m."originId" = a.id AND m.direction = 'out'
      WHERE s.uri = ${actorUri} AND s.domain IS NOT NULL AND COALESCE(s."sharedInboxUrl", s."inboxUrl") IS NOT NULL
      ORDER BY a.id, m.id DESC`);
  }

  /** Whether the Move may go to this inbox again now (and it is noted as sent): not within `everyMs` of the last time. */
  async claimReminder(moveId: bigint, inbox: string, everyMs: number): Promise<boolean> {
    const now = new Date();
    const rows = await queryRows<{ moveId: bigint }>(this.db, Prisma.sql`
      INSERT INTO "AccountMoveReminder" ("moveId", inbox, "sentAt") VALUES (${moveId}::bigint, ${inbox}, ${now}::timestamp(3))
      ON CONFLICT ("moveId", inbox) DO UPDATE SET "sentAt" = EXCLUDED."sentAt"
      WHERE "AccountMoveReminder"."sentAt" < ${new Date(now.getTime() - everyMs)}::timestamp(3)
      RETURNING "moveId"`);
    return rows.length > 0;
  }

  /** The redirect goes; the moves already made stay. */
  clearRedirect(accountId: bigint) {
    return this.db.account.update({ where: { id: accountId }, data: { movedToUri: null } });
  }
}

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/** Follows made (delta 1) or ended (-1): each follower's following count and the followed account's followers count. */
async function count(tx: Tx, followerIds: string[], followedId: bigint, delta: 1 | -1) {
  if (!followerIds.length) return;
  await execute(tx, Prisma.sql`UPDATE "Account" SET "followingCount" = "followingCount" + ${delta}::int WHERE id = ANY(${followerIds}::bigint[])`);
  await execute(tx, Prisma.sql`UPDATE "Account" SET "followersCount" = "followersCount" + ${delta * followerIds.length}::int WHERE id = ${followedId}::bigint`);
}
