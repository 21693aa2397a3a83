import type { Account } from "../accounts/account.repository.ts";
import { forbidden } from "../errors.ts";
import type { JobQueue } from "../jobs/jobs.ts";
import type { NotificationService } from "../notifications/notification.service.ts";
import type { StatusTarget, StatusView } from "../statuses/status.repository.ts";
import type { StatusService } from "../statuses/status.service.ts";
import type { LocalUrls } from "../urls.ts";
import type { BlockRepository } from "./block.repository.ts";
import type { FavouriteRepository } from "./favourite.repository.ts";

export class FavouriteService {
  private readonly favourites: FavouriteRepository;
  private readonly statuses: StatusService;
  private readonly blocks: BlockRepository;
  private readonly notifications: NotificationService;
  private readonly jobs: JobQueue;
  private readonly urls: LocalUrls;

  constructor(favourites: FavouriteRepository, statuses: StatusService, blocks: BlockRepository, notifications: NotificationService, jobs: JobQueue, urls: LocalUrls) {
    this.favourites = favourites;
    this.statuses = statuses;
    this.blocks = blocks;
    this.notifications = notifications;
    this.jobs = jobs;
    this.urls = urls;
  }

  async favourite(account: Account, statusId: bigint): Promise<StatusView> {
    const visible = await this.statuses.getVisible(statusId, account.id);
    const status = visible.reblogOf ? await this.statuses.getVisible(visible.reblogOf.id, account.id) : visible;
    if (await this.blocks.eitherBlocks(account.id, status.accountId)) throw forbidden("You cannot favourite this status");
    const id = await this.favourites.reserveId();
    if (await this.favourites.create({ id, accountId: account.id, statusId: status.id, uri: this.urls.like(account.username, id) })) {
      await this.notifications.notify(status.account, account.id, "favourite", status.id);
      if (status.account.domain !== null) await this.jobs.enqueue("federate", { kind: "like", favouriteId: String(id) });
    }
    return (await this.statuses.findById(status.id))!;
  }

  async unfavourite(account: Account, statusId: bigint): Promise<StatusView> {
    const status = await this.statuses.getVisible(statusId, account.id);
    const removed = await this.favourites.remove({ accountId: account.id, statusId: status.id });
    if (removed && status.account.domain !== null) {
      await this.jobs.enqueue("federate", { kind: "undoLike", likeUri: removed.uri, accountId: String(account.id), statusId: String(status.id) });
    }
    return (await this.statuses.findById(status.id))!;
  }

  async receiveLike(actor: Account, status: StatusTarget, likeUri: string) {
    if (!(await this.statuses.canSee(status, actor.id))) return;
    // Nothing is stored if the author blocks the sender; checked as the like is written.
    if (await this.favourites.create({ accountId: actor.id, statusId: status.id, uri: likeUri }, { unlessBlockedBy: status.accountId })) await this.notifications.notify(status.account, actor.id, "favourite", status.id);
  }

  /** Misskey re-synthesizes ids in Undo, so we match by actor and status when the uri misses. */
  async receiveUndoLike(actor: Account, likeUri: string, statusId: bigint | null) {
    const removed = await this.favourites.remove({ uri: likeUri, accountId: actor.id });
    if (!removed && statusId !== null) await this.favourites.remove({ accountId: actor.id, statusId });
  }

  findById(id: bigint) {
    return this.favourites.findById(id);
  }
}
