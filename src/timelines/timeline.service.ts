import type { ConversationService } from "../conversations/conversation.service.ts";
import type { FollowService } from "../follows/follow.service.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import type { ListService } from "../lists/list.service.ts";
import type { MuteService } from "../mutes/mute.service.ts";
import { newestFirst, idWhere, type IdRange } from "../notifications/notification.repository.ts";
import type { NotificationService } from "../notifications/notification.service.ts";
import type { StatusRepository, StatusView } from "../statuses/status.repository.ts";
import type { TimelineRepository } from "./timeline.repository.ts";
import { silentBus, type EventBus } from "../streaming/events.ts";

/** Where a public or hashtag timeline draws from. */
export type Scope = { local?: boolean; remote?: boolean; onlyMedia?: boolean };
export type TagQuery = { any?: string[]; all?: string[]; none?: string[] };
export type AccountStatusesQuery = { onlyMedia?: boolean; excludeReplies?: boolean; excludeReblogs?: boolean; tagged?: string };

const withMedia: Prisma.StatusWhereInput = { OR: [{ NOT: { attachments: { equals: [] } } }, { media: { some: {} } }] };

function scopeWhere(scope: Scope): Prisma.StatusWhereInput[] {
  return [scope.local ? { local: true } : scope.remote ? { local: false } : {}, scope.onlyMedia ? withMedia : {}];
}

const tagNamed = (names: string[]): Prisma.StatusWhereInput => ({ tags: { some: { tag: { name: { in: names } } } } });

export class TimelineService {
  private readonly timelines: TimelineRepository;
  private readonly statuses: StatusRepository;
  private readonly follows: FollowService;
  private readonly mutes: MuteService;
  private readonly lists: ListService;
  private readonly conversations: ConversationService;
  private readonly notifications: NotificationService;
  /** Live updates (the streaming API); set by the core once the bus exists. */
  events: EventBus = silentBus;

  constructor(
    timelines: TimelineRepository,
    statuses: StatusRepository,
    follows: FollowService,
    mutes: MuteService,
    lists: ListService,
    conversations: ConversationService,
    notifications: NotificationService,
  ) {
    this.timelines = timelines;
    this.statuses = statuses;
    this.follows = follows;
    this.mutes = mutes;
    this.lists = lists;
    this.conversations = conversations;
    this.notifications = notifications;
  }

  /**
   * Puts a status into the home feeds and lists of the local accounts that
   * should see it, tracks direct conversations and tells followers who asked
   * to be notified. Idempotent (feed rows are keyed by owner and status, and
   * notifications are unique), so a job that runs twice does no harm.
   */
  async fanout(statusId: bigint) {
    const status = await this.statuses.findById(statusId);
    if (status) await this.distribute(status);
  }

  /** Home and list feeds, live updates and "notify me" notifications for a status just stored. */
  async distribute(status: StatusView) {
    const author = status.account;
    const home = new Set<bigint>();
    if (author.domain === null) home.add(author.id);
    for (const m of status.mentions) if (m.account.domain === null) home.add(m.accountId);
    if (status.visibility === "direct") {
      await this.timelines.addToFeeds(status.id, [...home]);
      await this.conversations.track(status);
      await this.events.publish({ type: "status.distributed", status, homeAccountIds: [...home], listIds: [] });
      return;
    }
    const reblog = status.reblogOfId !== null;
    for (const id of await this.tagFollowers(status)) home.add(id);
    const audience = await this.timelines.fanOutToHomes(status.id, author.id, [...home], reblog);
    // A follower who turned off someone's reblogs gets neither them in home nor in lists.
    const followers = audience.followers.filter((f) => !reblog || f.showReblogs);
    const followerIds = new Set(followers.map((f) => f.id));
    const listIds = await this.listsFor(status, audience.lists.filter((l) => followerIds.has(l.ownerId)));
    await this.timelines.addToListFeeds(status.id, listIds);
    await this.events.publish({ type: "status.distributed", status, homeAccountIds: audience.home, listIds });
    // Mastodon's "notify me when they post": originals and self-replies only.
    const replyToOther = status.inReplyToUri !== null && status.inReplyToAccountId !== author.id;
    if (reblog || replyToOther) return;
    for (const f of followers) if (f.notify) await this.notifications.notify({ id: f.id, domain: null }, author.id, "status", status.id);
  }

  /**
   * Mastodon's followed hashtags: a public original (not a reblog, not from a
   * silenced or suspended account) reaches the home of local accounts that
   * follow one of its tags, unless they hide its author.
   */
  private async tagFollowers(status: StatusView): Promise<bigint[]> {
    const author = status.account;
    if (status.visibility !== "public" || status.reblogOfId !== null || !status.tags.length || author.silencedAt || author.suspendedAt) return [];
    const involved = [author.id, ...status.mentions.map((m) => m.accountId)];
    return this.timelines.tagFollowersOf(status.tags.map((t) => t.tagId), author, involved);
  }

  /** Lists take a reply according to their replies policy: to followed accounts, to list members, or none. */
  private async listsFor(status: StatusView, lists: { id: bigint; ownerId: bigint; repliesPolicy: string }[]) {
    if (!lists.length) return [];
    const isReply = status.inReplyToUri !== null || status.inReplyToId !== null;
    if (!isReply || status.inReplyToAccountId === status.accountId) return lists.map((l) => l.id);
    const target = status.inReplyToAccountId;
    if (target === null) return [];
    const followed = lists.some((l) => l.repliesPolicy === "followed")
      ? await this.timelines.followersAmong(target, lists.filter((l) => l.repliesPolicy === "followed").map((l) => l.ownerId))
      : new Set<bigint>();
    const withTarget = lists.some((l) => l.repliesPolicy === "list")
      ? await this.timelines.listsWithMember(target, lists.filter((l) => l.repliesPolicy === "list").map((l) => l.id))
      : new Set<bigint>();
    return lists.filter((l) => (l.repliesPolicy === "followed" ? followed.has(l.ownerId) : l.repliesPolicy === "list" ? withTarget.has(l.id) : false)).map((l) => l.id);
  }

  async home(accountId: bigint, range: IdRange) {
    const [hidden, domains] = await Promise.all([this.mutes.hiddenFor(accountId), this.mutes.hiddenDomainsFor(accountId)]);
    const rows = await this.timelines.home(accountId, idWhere(range), range.limit, range.minId !== undefined, hidden, { viewerId: accountId, domains });
    return newestFirst(rows);
  }

  async list(accountId: bigint, listId: bigint, range: IdRange) {
    await this.lists.get(accountId, listId);
    const [hidden, domains] = await Promise.all([this.mutes.hiddenFor(accountId), this.mutes.hiddenDomainsFor(accountId)]);
    const rows = await this.timelines.list(listId, idWhere(range), range.limit, range.minId !== undefined, hidden, { viewerId: accountId, domains });
    return newestFirst(rows);
  }

  async public(range: IdRange, scope: Scope, viewerId: bigint | null) {
    return this.publicWhere({ AND: scopeWhere(scope) }, range, viewerId);
  }

  /** Posts with the hashtag or any of `any`, all of `all` and none of `none`. */
  async tag(name: string, query: TagQuery, scope: Scope, range: IdRange, viewerId: bigint | null) {
    const names = (list?: string[]) => [...new Set((list ?? []).map((t) => t.toLowerCase()))];
    const where: Prisma.StatusWhereInput = {
      AND: [
        tagNamed(names([name, ...(query.any ?? [])])),
        ...names(query.all).map((t) => tagNamed([t])),
        ...(query.none?.length ? [{ NOT: tagNamed(names(query.none)) }] : []),
        ...scopeWhere(scope),
      ],
    };
    return this.publicWhere(where, range, viewerId);
  }

  private async publicWhere(where: Prisma.StatusWhereInput, range: IdRange, viewerId: bigint | null) {
    const [hidden, domains] = viewerId ? await Promise.all([this.mutes.hiddenFor(viewerId), this.mutes.hiddenDomainsFor(viewerId)]) : [[], []];
    // Domains the viewer blocks are left out whole, followed accounts included (as on Mastodon).
    const allowed: Prisma.AccountWhereInput = domains.length ? { OR: [{ domain: null }, { domain: { notIn: domains } }] } : {};
    const rows = await this.statuses.publicPage(
      // Silenced and suspended accounts (and domains, whose accounts carry the mark) stay off public timelines.
      { ...where, visibility: "public", reblogOfId: null, account: { silencedAt: null, suspendedAt: null, ...allowed }, ...(hidden.length ? { accountId: { notIn: hidden } } : {}) },
      idWhere(range),
      range.limit,
      range.minId !== undefined,
    );
    return newestFirst(rows);
  }

  async favourites(accountId: bigint, range: IdRange) {
    const rows = await this.timelines.favourites(accountId, idWhere(range), range.limit, range.minId !== undefined);
    return newestFirst(rows);
  }

  async accountStatuses(accountId: bigint, range: IdRange, viewerId: bigint | null, query: AccountStatusesQuery = {}) {
    if (viewerId !== null && (await this.mutes.isBlockedBy(viewerId, accountId))) return [];
    const self = viewerId === accountId;
    const following = viewerId !== null && (self || (await this.follows.isFollowing(viewerId, accountId)));
    const where: Prisma.StatusWhereInput = {
      accountId,
      visibility: { in: following ? ["public", "unlisted", "private"] : ["public", "unlisted"] },
      AND: [
        // Mastodon keeps self-replies (threads) when replies are excluded.
        query.excludeReplies ? { OR: [{ inReplyToUri: null, inReplyToId: null }, { inReplyToAccountId: accountId }] } : {},
        query.excludeReblogs ? { reblogOfId: null } : {},
        query.onlyMedia ? withMedia : {},
        query.tagged ? tagNamed([query.tagged.toLowerCase()]) : {},
      ],
    };
    const rows = await this.statuses.publicPage(where, idWhere(range), range.limit, range.minId !== undefined);
    return newestFirst(rows);
  }
}
