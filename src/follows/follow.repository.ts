import type { Db } from "../db/client.ts";
import { queryRows } from "../db/direct.ts";
import { reserveId } from "../db/ids.ts";
import { Prisma, type Follow } from "../generated/prisma/client.ts";
import type { FollowState } from "../generated/prisma/enums.ts";

type NewFollow = { id?: bigint; followerId: bigint; followingId: bigint; uri: string; state: FollowState };

export class FollowRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  find(followerId: bigint, followingId: bigint) {
    return this.db.follow.findUnique({ where: { followerId_followingId: { followerId, followingId } } });
  }

  /** The id of a row to be written by this server: its URI names it. */
  reserveId() {
    return reserveId(this.db);
  }

  findById(id: bigint) {
    return this.db.follow.findUnique({ where: { id } });
  }

  /**
   * Creates the follow unless one exists; counters move only when a row is
   * created or leaves the pending state, so redelivery changes nothing. One
   * statement writes the row and the counters, or finds the row there is.
   */
  async create(data: NewFollow): Promise<{ follow: Follow; created: boolean }> {
    const written = await this.write(data, null);
    if (!written) throw new Error("A follow no one refused was refused");
    return written;
  }

  /**
   * Like create, unless the followed account blocks the follower or its
   * domain (a remote follower's): then nothing is written and the answer is
   * null. Checked in the same statement.
   */
  createUnlessRefused(data: NewFollow, followerDomain: string) {
    return this.write(data, followerDomain);
  }

  private async write(data: NewFollow, refusedFrom: string | null): Promise<{ follow: Follow; created: boolean } | null> {
    const { followerId, followingId } = data;
    const now = new Date();
    const rows = await queryRows<(Follow & { created: boolean; refused: boolean })>(this.db, Prisma.sql`
      WITH refused AS (
        SELECT ${refusedFrom !== null} AND (
          EXISTS (SELECT 1 FROM "Block" WHERE "accountId" = ${followingId}::bigint AND "targetId" = ${followerId}::bigint)
          OR EXISTS (SELECT 1 FROM "AccountDomainBlock" WHERE "accountId" = ${followingId}::bigint AND domain = ${refusedFrom})
        ) AS yes
      ),
      f AS (
        INSERT INTO "Follow" (id, "followerId", "followingId", uri, state, "createdAt")
        SELECT COALESCE(${data.id ?? null}::bigint, kith_id()), ${followerId}::bigint, ${followingId}::bigint, ${data.uri}, ${data.state}::"FollowState", ${now}::timestamp(3)
        FROM refused WHERE NOT yes
        ON CONFLICT DO NOTHING
        RETURNING *
      ),
      counted AS (
        UPDATE "Account" SET "followingCount" = "followingCount" + CASE WHEN id = ${followerId}::bigint THEN 1 ELSE 0 END,
          "followersCount" = "followersCount" + CASE WHEN id = ${followingId}::bigint THEN 1 ELSE 0 END, "updatedAt" = ${now}::timestamp(3)
        WHERE id IN (${followerId}::bigint, ${followingId}::bigint) AND EXISTS (SELECT 1 FROM f WHERE state = 'accepted')
      )
      SELECT *, true AS created, false AS refused FROM f
      UNION ALL
      SELECT "Follow".*, false, false FROM "Follow", refused
      WHERE "followerId" = ${followerId}::bigint AND "followingId" = ${followingId}::bigint AND NOT yes AND NOT EXISTS (SELECT 1 FROM f)
      UNION ALL
      SELECT (NULL::"Follow").*, false, true FROM refused WHERE yes`);
    const row = rows[0];
    if (row?.refused) return null;
    if (row) {
      const { created, refused: _refused, ...follow } = row;
      return { follow, created };
    }
    // Another transaction wrote the same follow after this statement began.
    const existing = await this.find(followerId, followingId);
    if (!existing) throw new Error(`Follow ${data.uri} is already used by another follow`);
    return { follow: existing, created: false };
  }

  async accept(followerId: bigint, followingId: bigint) {
    return this.db.$transaction(async (tx) => {
      const updated = await tx.follow.updateMany({
        where: { followerId, followingId, state: "pending" },
        data: { state: "accepted" },
      });
      if (updated.count) await countFollow(tx, followerId, followingId, 1);
      return updated.count > 0;
    });
  }

  async remove(followerId: bigint, followingId: bigint) {
    return this.db.$transaction(async (tx) => {
      const existing = await tx.follow.findUnique({ where: { followerId_followingId: { followerId, followingId } } });
      if (!existing) return null;
      await tx.follow.delete({ where: { id: existing.id } });
      if (existing.state === "accepted") await countFollow(tx, followerId, followingId, -1);
      return existing;
    });
  }

  pendingFor(followingId: bigint, limit: number, maxId?: bigint) {
    return this.db.follow.findMany({
      where: { followingId, state: "pending", ...(maxId ? { id: { lt: maxId } } : {}) },
      orderBy: { id: "desc" },
      take: limit,
      include: { follower: true },
    });
  }

  relationships(accountId: bigint, targetIds: bigint[]) {
    return this.db.follow.findMany({
      where: {
        OR: [
          { followerId: accountId, followingId: { in: targetIds } },
          { followingId: accountId, followerId: { in: targetIds } },
        ],
      },
    });
  }

  /** Local followers of an account: whose home timelines a post lands in. */
  localFollowerIds(followingId: bigint) {
    return this.db.follow
      .findMany({ where: { followingId, state: "accepted", follower: { domain: null } }, select: { followerId: true } })
      .then((rows) => rows.map((r) => r.followerId));
  }

  /** The follower's choices for this follow: reblogs in home, a notification per post. */
  setOptions(followerId: bigint, followingId: bigint, options: { showReblogs?: boolean; notify?: boolean }) {
    return this.db.follow.updateMany({ where: { followerId, followingId }, data: options });
  }

  /** Accepted follows of or by an account, a page at a time by follow id (Mastodon's Link pagination). */
  acceptedPage(side: "followers" | "following", accountId: bigint, range: { lt?: bigint; gt?: bigint } | undefined, limit: number, ascending: boolean) {
    return this.db.follow.findMany({
      where: { ...(side === "followers" ? { followingId: accountId } : { followerId: accountId }), state: "accepted", ...(range ? { id: range } : {}) },
      orderBy: { id: ascending ? "asc" : "desc" },
      take: limit,
      include: { follower: side === "followers", following: side === "following" },
    });
  }

  /** For each target, the accounts `viewerId` follows that also follow it. */
  familiarFollowers(viewerId: bigint, targetIds: bigint[]) {
    return this.db.follow.findMany({
      where: { followingId: { in: targetIds }, state: "accepted", follower: { followers: { some: { followerId: viewerId, state: "accepted" } } } },
      include: { follower: true },
      orderBy: { id: "desc" },
    });
  }

  isFollowing(followerId: bigint, followingId: bigint) {
    return this.db.follow.count({ where: { followerId, followingId, state: "accepted" } }).then((n) => n > 0);
  }

  followersPage(followingId: bigint, limit: number, offset: number) {
    return this.db.follow.findMany({
      where: { followingId, state: "accepted" },
      orderBy: { id: "desc" },
      skip: offset,
      take: limit,
      include: { follower: { select: { uri: true } } },
    });
  }

  followingPage(followerId: bigint, limit: number, offset: number) {
    return this.db.follow.findMany({
      where: { followerId, state: "accepted" },
      orderBy: { id: "desc" },
      skip: offset,
      take: limit,
      include: { following: { select: { uri: true } } },
    });
  }
}

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

async function countFollow(tx: Tx, followerId: bigint, followingId: bigint, delta: number) {
  await tx.account.update({ where: { id: followerId }, data: { followingCount: { increment: delta } } });
  await tx.account.update({ where: { id: followingId }, data: { followersCount: { increment: delta } } });
}
