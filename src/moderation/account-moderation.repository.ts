import type { Db } from "../db/client.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import type { Role } from "../generated/prisma/enums.ts";
import { INSTANCE_ACTOR } from "../accounts/account.service.ts";
import { idWhere, type IdRange } from "../notifications/notification.repository.ts";

export type AccountFilters = {
  origin?: "local" | "remote";
  byDomain?: string;
  status?: "active" | "pending" | "disabled" | "silenced" | "suspended" | "sensitized";
  username?: string;
  displayName?: string;
  email?: string;
  staff?: boolean;
  role?: Role;
};

export type SeveredFollow = { uri: string; followerId: bigint; followingId: bigint; state: "pending" | "accepted" };

const withUser = { user: true } satisfies Prisma.AccountInclude;
export type AccountWithUser = Prisma.AccountGetPayload<{ include: typeof withUser }>;

/** What the admin API lists: every account but the instance actor. */
const listable: Prisma.AccountWhereInput = { NOT: { domain: null, username: INSTANCE_ACTOR } };

/** Prisma's case-insensitive filters are ILIKE: "_" and "%" in what an admin typed must match themselves. */
const literal = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

function filterWhere(f: AccountFilters): Prisma.AccountWhereInput {
  const and: Prisma.AccountWhereInput[] = [listable];
  if (f.origin === "local") and.push({ domain: null });
  if (f.origin === "remote") and.push({ domain: { not: null } });
  if (f.byDomain) and.push({ domain: { equals: literal(f.byDomain), mode: "insensitive" } });
  if (f.username) and.push({ username: { contains: literal(f.username), mode: "insensitive" } });
  if (f.displayName) and.push({ displayName: { contains: literal(f.displayName), mode: "insensitive" } });
  if (f.email) and.push({ user: { is: { email: { contains: literal(f.email), mode: "insensitive" } } } });
  if (f.staff) and.push({ user: { is: { role: { in: ["moderator", "admin", "owner"] } } } });
  if (f.role) and.push({ user: { is: { role: f.role } } });
  switch (f.status) {
    case "active":
      and.push({ suspendedAt: null, OR: [{ user: { is: null } }, { user: { is: { approved: true, disabledAt: null } } }] });
      break;
    case "pending":
      and.push({ user: { is: { approved: false } } });
      break;
    case "disabled":
      and.push({ user: { is: { disabledAt: { not: null } } } });
      break;
    case "silenced":
      and.push({ silencedAt: { not: null } });
      break;
    case "suspended":
      and.push({ suspendedAt: { not: null } });
      break;
    case "sensitized":
      and.push({ sensitizedAt: { not: null } });
      break;
  }
  return { AND: and };
}

export class AccountModerationRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  page(filters: AccountFilters, range: IdRange) {
    return this.db.account.findMany({
      where: { ...filterWhere(filters), id: idWhere(range) },
      orderBy: { id: range.minId ? "asc" : "desc" },
      take: range.limit,
      include: withUser,
    });
  }

  find(id: bigint): Promise<AccountWithUser | null> {
    return this.db.account.findFirst({ where: { id, ...listable }, include: withUser });
  }

  findByIds(ids: bigint[]): Promise<AccountWithUser[]> {
    return this.db.account.findMany({ where: { id: { in: ids } }, include: withUser });
  }

  roleOf(accountId: bigint): Promise<Role | null> {
    return this.db.user.findUnique({ where: { accountId }, select: { role: true } }).then((u) => u?.role ?? null);
  }

  setAccount(id: bigint, data: Pick<Prisma.AccountUpdateInput, "suspendedAt" | "silencedAt" | "sensitizedAt">) {
    return this.db.account.update({ where: { id }, data, include: withUser });
  }

  setUser(accountId: bigint, data: Pick<Prisma.UserUpdateInput, "approved" | "disabledAt" | "role">) {
    return this.db.user.update({ where: { accountId }, data });
  }

  /** Deletes an account and everything it owns (rows cascade), first taking its follows off the other side's counters. */
  async deleteAccount(id: bigint) {
    await this.deleteFollows({ OR: [{ followerId: id }, { followingId: id }] });
    await this.db.account.delete({ where: { id } });
  }

  /** Local accounts that handle reports: staff who may sign in. */
  staff() {
    return this.db.account.findMany({
      where: { domain: null, suspendedAt: null, user: { is: { role: { in: ["moderator", "admin", "owner"] }, approved: true, disabledAt: null } } },
    });
  }

  /**
   * Removes every follow, either way, between local accounts and the accounts
   * `remote` selects, and fixes the counters; returns what was removed so the
   * other side can be told.
   */
  severFollows(remote: Prisma.AccountWhereInput): Promise<SeveredFollow[]> {
    return this.deleteFollows({ OR: [{ follower: { domain: null }, following: remote }, { follower: remote, following: { domain: null } }] });
  }

  /** Deletes the follows `where` selects and moves both sides' counters to match. */
  private deleteFollows(where: Prisma.FollowWhereInput): Promise<SeveredFollow[]> {
    return this.db.$transaction(async (tx) => {
      const follows = await tx.follow.findMany({ where, select: { id: true, uri: true, followerId: true, followingId: true, state: true } });
      if (!follows.length) return [];
      await tx.follow.deleteMany({ where: { id: { in: follows.map((f) => f.id) } } });
      const delta = new Map<bigint, { followers: number; following: number }>();
      const bump = (id: bigint, key: "followers" | "following") => {
        const d = delta.get(id) ?? { followers: 0, following: 0 };
        d[key] -= 1;
        delta.set(id, d);
      };
      for (const f of follows.filter((f) => f.state === "accepted")) {
        bump(f.followerId, "following");
        bump(f.followingId, "followers");
      }
      for (const [id, d] of delta) {
        await tx.account.updateMany({ where: { id }, data: { followersCount: { increment: d.followers }, followingCount: { increment: d.following } } });
      }
      return follows.map(({ uri, followerId, followingId, state }) => ({ uri, followerId, followingId, state }));
    });
  }

  /** Takes the posts of the selected accounts out of local home feeds (Mastodon unmerges them too). */
  removeFromHomeFeeds(authors: Prisma.AccountWhereInput) {
    return this.db.homeFeedEntry.deleteMany({ where: { status: { account: authors } } });
  }
}
