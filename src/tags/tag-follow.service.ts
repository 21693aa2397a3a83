import { idWhere, newestFirst, type IdRange } from "../notifications/notification.repository.ts";
import type { TagFollowRepository } from "./tag-follow.repository.ts";

/** A hashtag as a viewer sees it: `id` is null for a tag nobody has used or followed yet. */
export type TagView = { id: bigint | null; name: string; following: boolean };

// Followed hashtags (Mastodon 4's /api/v1/tags/:name/follow). Following is
// private to the follower; what it brings to the home timeline is decided at
// fan-out (TimelineService). Names arrive validated and lower-cased.

export class TagFollowService {
  private readonly repo: TagFollowRepository;

  constructor(repo: TagFollowRepository) {
    this.repo = repo;
  }

  async show(viewerId: bigint | null, name: string): Promise<TagView> {
    const tag = await this.repo.findTag(name);
    if (!tag) return { id: null, name, following: false };
    return { id: tag.id, name: tag.name, following: viewerId !== null && (await this.repo.isFollowing(viewerId, tag.id)) };
  }

  async follow(accountId: bigint, name: string): Promise<TagView> {
    const tag = await this.repo.ensureTag(name);
    await this.repo.follow(accountId, tag.id);
    return { id: tag.id, name: tag.name, following: true };
  }

  async unfollow(accountId: bigint, name: string): Promise<TagView> {
    const tag = await this.repo.findTag(name);
    if (tag) await this.repo.unfollow(accountId, tag.id);
    return { id: tag?.id ?? null, name, following: false };
  }

  /** Newest follow first; `id` of each row is the follow's, for Link pagination. */
  async followed(accountId: bigint, range: IdRange) {
    const rows = newestFirst(await this.repo.page(accountId, idWhere(range), range.limit, range.minId !== undefined));
    return rows.map((r) => ({ id: r.id, tag: { id: r.tag.id, name: r.tag.name, following: true } satisfies TagView }));
  }
}
