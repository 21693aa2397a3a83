import type { FollowService } from "../follows/follow.service.ts";
import type { BlockRepository } from "../interactions/block.repository.ts";
import { newestFirst, idWhere, type IdRange } from "../notifications/notification.repository.ts";
import type { StatusRepository } from "../statuses/status.repository.ts";
import type { TimelineRepository } from "./timeline.repository.ts";

export class TimelineService {
  private readonly timelines: TimelineRepository;
  private readonly statuses: StatusRepository;
  private readonly follows: FollowService;
  private readonly blocks: BlockRepository;

  constructor(timelines: TimelineRepository, statuses: StatusRepository, follows: FollowService, blocks: BlockRepository) {
    this.timelines = timelines;
    this.statuses = statuses;
    this.follows = follows;
    this.blocks = blocks;
  }

  /**
   * Puts a status into the home feeds of the local accounts that should see
   * it. Idempotent (feed rows are keyed by account and status), so a job that
   * runs twice does no harm.
   */
  async fanout(statusId: bigint) {
    const status = await this.statuses.findById(statusId);
    if (!status) return;
    const author = status.account;
    const recipients = new Set<bigint>();
    if (author.domain === null) recipients.add(author.id);
    for (const m of status.mentions) if (m.account.domain === null) recipients.add(m.accountId);
    if (status.visibility !== "direct") {
      for (const id of await this.follows.localFollowerIds(author.id)) recipients.add(id);
    }
    // A reblog never lands twice in the feed of someone who follows the original author.
    await this.timelines.addToFeeds(status.id, [...recipients]);
  }

  async home(accountId: bigint, range: IdRange) {
    const hidden = await this.blocks.hiddenFor(accountId);
    const rows = await this.timelines.home(accountId, idWhere(range), range.limit, range.minId !== undefined, hidden);
    return newestFirst(rows);
  }

  async public(range: IdRange, scope: { local?: boolean; remote?: boolean }, viewerId: bigint | null) {
    const hidden = viewerId ? await this.blocks.hiddenFor(viewerId) : [];
    const rows = await this.statuses.publicPage(
      {
        visibility: "public",
        reblogOfId: null,
        ...(scope.local ? { local: true } : scope.remote ? { local: false } : {}),
        ...(hidden.length ? { accountId: { notIn: hidden } } : {}),
      },
      idWhere(range),
      range.limit,
      range.minId !== undefined,
    );
    return newestFirst(rows);
  }

  async accountStatuses(accountId: bigint, range: IdRange, viewerId: bigint | null) {
    const following = viewerId !== null && (viewerId === accountId || (await this.follows.isFollowing(viewerId, accountId)));
    const rows = await this.statuses.publicPage(
      { accountId, visibility: { in: following ? ["public", "unlisted", "private"] : ["public", "unlisted"] } },
      idWhere(range),
      range.limit,
      range.minId !== undefined,
    );
    return newestFirst(rows);
  }
}
