import type { Account } from "../accounts/account.repository.ts";
import type { AccountService } from "../accounts/account.service.ts";
import { forbidden, notFound, unprocessable } from "../errors.ts";
import type { BlockRepository } from "../interactions/block.repository.ts";
import type { JobQueue } from "../jobs/jobs.ts";
import type { NotificationService } from "../notifications/notification.service.ts";
import type { LocalUrls } from "../urls.ts";
import { idWhere, newestFirst, type IdRange } from "../notifications/notification.repository.ts";
import type { FollowRepository } from "./follow.repository.ts";

// One place where follows start and end, whichever door asked: the client
// API for local users, the inbox for remote ones.

export class FollowService {
  private readonly follows: FollowRepository;
  private readonly blocks: BlockRepository;
  private readonly accounts: AccountService;
  private readonly notifications: NotificationService;
  private readonly jobs: JobQueue;
  private readonly urls: LocalUrls;
  /** Domains each account blocks for itself: no follows either way with them. Set by the core, which builds them later. */
  domainBlocks: { blocks(accountId: bigint, domain: string): Promise<boolean> } | null = null;

  constructor(follows: FollowRepository, blocks: BlockRepository, accounts: AccountService, notifications: NotificationService, jobs: JobQueue, urls: LocalUrls) {
    this.follows = follows;
    this.blocks = blocks;
    this.accounts = accounts;
    this.notifications = notifications;
    this.jobs = jobs;
    this.urls = urls;
  }

  /**
   * A local account asks to follow anyone. Remote follows stay pending until
   * Accept arrives. Following again only updates the options (reblogs, notify).
   */
  async follow(followerId: bigint, targetId: bigint, options: { showReblogs?: boolean; notify?: boolean } = {}) {
    if (followerId === targetId) throw unprocessable("You cannot follow yourself");
    const [follower, target] = await Promise.all([this.accounts.get(followerId), this.accounts.get(targetId)]);
    // A moved account is frozen: it neither follows nor is followed; its followers go to the new one.
    if (follower.domain === null && follower.movedToUri) throw unprocessable(`Your account has moved to ${follower.movedToUri}; follow from the new account`);
    if (target.movedToUri) throw unprocessable(`This account has moved to ${target.movedToUri}; follow that account instead`);
    if (await this.blocks.eitherBlocks(followerId, targetId)) throw forbidden("You cannot follow this account");
    if (target.domain !== null && (await this.domainBlocks?.blocks(followerId, target.domain))) throw forbidden("You cannot follow this account");
    const id = await this.follows.reserveId();
    const remote = target.domain !== null;
    const state = remote || target.locked ? "pending" : "accepted";
    const { follow, created } = await this.follows.create({ id, followerId, followingId: targetId, uri: this.urls.follow(id), state });
    if (options.showReblogs !== undefined || options.notify !== undefined) await this.follows.setOptions(followerId, targetId, options);
    if (!created) return follow;
    if (remote) {
      await this.jobs.enqueue("federate", { kind: "follow", followId: String(follow.id) });
    } else {
      await this.notifications.notify(target, followerId, state === "accepted" ? "follow" : "follow_request");
    }
    return follow;
  }

  async unfollow(followerId: bigint, targetId: bigint) {
    const removed = await this.follows.remove(followerId, targetId);
    if (!removed) return;
    const target = await this.accounts.findById(targetId);
    if (target?.domain) {
      await this.jobs.enqueue("federate", {
        kind: "undoFollow",
        followUri: removed.uri,
        followerId: String(followerId),
        targetId: String(targetId),
      });
    }
  }

  /** A remote actor's Follow reached a local account. */
  async receiveFollow(follower: Account, target: Account, followUri: string) {
    if (target.domain !== null || follower.domain === null) return;
    if (target.movedToUri) {
      await this.jobs.enqueue("federate", { kind: "rejectFollow", followUri, followerId: String(follower.id), targetId: String(target.id) }, { now: true });
      return;
    }
    const state = target.locked ? "pending" : "accepted";
    const written = await this.follows.createUnlessRefused({ followerId: follower.id, followingId: target.id, uri: followUri, state }, follower.domain);
    if (!written) {
      await this.jobs.enqueue("federate", { kind: "rejectFollow", followUri, followerId: String(follower.id), targetId: String(target.id) }, { now: true });
      return;
    }
    const { follow, created } = written;
    if (created) await this.notifications.notify(target, follower.id, state === "accepted" ? "follow" : "follow_request");
    // A repeated Follow (the remote lost our Accept) is answered again.
    if (follow.state === "accepted") {
      await this.jobs.enqueue("federate", { kind: "acceptFollow", followUri: follow.uri, followerId: String(follower.id), targetId: String(target.id) }, { now: true });
    }
  }

  /** The remote account accepted a local account's follow request. */
  async receiveAccept(followerId: bigint, targetId: bigint) {
    await this.follows.accept(followerId, targetId);
  }

  async receiveReject(followerId: bigint, targetId: bigint) {
    await this.follows.remove(followerId, targetId);
  }

  async receiveUndo(followerId: bigint, targetId: bigint) {
    const removed = await this.follows.remove(followerId, targetId);
    if (removed) {
      await this.notifications.withdraw(targetId, followerId, removed.state === "accepted" ? "follow" : "follow_request");
    }
  }

  async authorize(accountId: bigint, requesterId: bigint) {
    const pending = await this.follows.find(requesterId, accountId);
    if (!pending || pending.state !== "pending") throw notFound("Follow request");
    await this.follows.accept(requesterId, accountId);
    await this.notifications.withdraw(accountId, requesterId, "follow_request");
    const requester = await this.accounts.findById(requesterId);
    if (requester?.domain) {
      await this.jobs.enqueue("federate", { kind: "acceptFollow", followUri: pending.uri, followerId: String(requesterId), targetId: String(accountId) });
    } else if (requester) {
      await this.notifications.notify(await this.accounts.get(accountId), requesterId, "follow");
    }
  }

  /** Refuses a pending follow request; an accepted follower stays (Mastodon answers 404 as for no request). */
  async rejectRequest(accountId: bigint, requesterId: bigint) {
    const pending = await this.follows.find(requesterId, accountId);
    if (!pending || pending.state !== "pending") throw notFound("Follow request");
    await this.reject(accountId, requesterId);
  }

  /** Ends a follow from `requesterId`, pending or accepted. */
  async reject(accountId: bigint, requesterId: bigint) {
    const removed = await this.follows.remove(requesterId, accountId);
    if (!removed) throw unprocessable("There is no follow request from this account");
    await this.notifications.withdraw(accountId, requesterId, "follow_request");
    const requester = await this.accounts.findById(requesterId);
    if (requester?.domain) {
      await this.jobs.enqueue("federate", { kind: "rejectFollow", followUri: removed.uri, followerId: String(requesterId), targetId: String(accountId) });
    }
  }

  /** Severs follows both ways, as a block does. */
  async sever(a: bigint, b: bigint) {
    for (const [follower, target] of [[a, b], [b, a]] as const) {
      const removed = await this.follows.remove(follower, target);
      if (removed) await this.notifications.withdraw(target, follower, removed.state === "accepted" ? "follow" : "follow_request");
    }
  }

  pendingRequests(accountId: bigint, limit: number, maxId?: bigint) {
    return this.follows.pendingFor(accountId, limit, maxId);
  }

  findFollowById(id: bigint) {
    return this.follows.findById(id);
  }

  findFollow(followerId: bigint, targetId: bigint) {
    return this.follows.find(followerId, targetId);
  }

  isFollowing(followerId: bigint, targetId: bigint) {
    return this.follows.isFollowing(followerId, targetId);
  }

  localFollowerIds(accountId: bigint) {
    return this.follows.localFollowerIds(accountId);
  }

  followersPage(accountId: bigint, limit: number, offset: number) {
    return this.follows.followersPage(accountId, limit, offset);
  }

  followingPage(accountId: bigint, limit: number, offset: number) {
    return this.follows.followingPage(accountId, limit, offset);
  }

  /** An account's followers or follows, newest follow first; the page's ids are follow ids. */
  async connections(side: "followers" | "following", accountId: bigint, range: IdRange) {
    const rows = await this.follows.acceptedPage(side, accountId, idWhere(range), range.limit, range.minId !== undefined);
    return newestFirst(rows).map((f) => ({ id: f.id, account: (side === "followers" ? f.follower : f.following)! }));
  }

  /** Mastodon's familiar followers: whom the viewer follows among each target's followers. */
  async familiarFollowers(viewerId: bigint, targetIds: bigint[]) {
    const rows = targetIds.length ? await this.follows.familiarFollowers(viewerId, targetIds) : [];
    return targetIds.map((id) => ({ id, accounts: rows.filter((r) => r.followingId === id && !r.follower.suspendedAt).map((r) => r.follower) }));
  }

  async relationships(accountId: bigint, targetIds: bigint[]) {
    const [follows, blocks] = await Promise.all([
      this.follows.relationships(accountId, targetIds),
      this.blocks.between(accountId, targetIds),
    ]);
    return targetIds.map((id) => {
      const out = follows.find((f) => f.followerId === accountId && f.followingId === id);
      const inc = follows.find((f) => f.followingId === accountId && f.followerId === id);
      return {
        id,
        following: out?.state === "accepted",
        requested: out?.state === "pending",
        followedBy: inc?.state === "accepted",
        requestedBy: inc?.state === "pending",
        showingReblogs: out?.showReblogs ?? true,
        notifying: out?.notify ?? false,
        blocking: blocks.some((b) => b.accountId === accountId && b.targetId === id),
        blockedBy: blocks.some((b) => b.targetId === accountId && b.accountId === id),
      };
    });
  }
}
