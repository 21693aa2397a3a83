import type { Db } from "../db/client.ts";

// Followed hashtags: which local accounts follow which tags.

export class TagFollowRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  findTag(name: string) {
    return this.db.tag.findUnique({ where: { name } });
  }

  /** Following a tag nobody has used yet creates it, as on Mastodon. */
  ensureTag(name: string) {
    return this.db.tag.upsert({ where: { name }, update: {}, create: { name } });
  }

  /** Following twice keeps the first follow. */
  async follow(accountId: bigint, tagId: bigint) {
    await this.db.tagFollow.createMany({ data: [{ accountId, tagId }], skipDuplicates: true });
  }

  unfollow(accountId: bigint, tagId: bigint) {
    return this.db.tagFollow.deleteMany({ where: { accountId, tagId } });
  }

  isFollowing(accountId: bigint, tagId: bigint) {
    return this.db.tagFollow.count({ where: { accountId, tagId } }).then((n) => n > 0);
  }

  /** The account's followed tags, a page at a time by follow id (Mastodon's Link pagination). */
  page(accountId: bigint, range: { lt?: bigint; gt?: bigint } | undefined, limit: number, ascending: boolean) {
    return this.db.tagFollow.findMany({
      where: { accountId, ...(range ? { id: range } : {}) },
      orderBy: { id: ascending ? "asc" : "desc" },
      take: limit,
      include: { tag: true },
    });
  }
}
