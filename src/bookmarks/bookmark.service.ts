import type { Account } from "../accounts/account.repository.ts";
import { idWhere, newestFirst, type IdRange } from "../notifications/notification.repository.ts";
import type { StatusView } from "../statuses/status.repository.ts";
import type { StatusService } from "../statuses/status.service.ts";
import type { BookmarkRepository } from "./bookmark.repository.ts";

// Private bookmarks: nobody else, here or elsewhere, learns of them.

export class BookmarkService {
  private readonly bookmarks: BookmarkRepository;
  private readonly statuses: StatusService;

  constructor(bookmarks: BookmarkRepository, statuses: StatusService) {
    this.bookmarks = bookmarks;
    this.statuses = statuses;
  }

  /** Bookmarks the status itself, not a reblog of it. */
  async bookmark(account: Account, statusId: bigint): Promise<StatusView> {
    const visible = await this.statuses.getVisible(statusId, account.id);
    const status = visible.reblogOf ? await this.statuses.getVisible(visible.reblogOf.id, account.id) : visible;
    await this.bookmarks.add(account.id, status.id);
    return status;
  }

  async unbookmark(account: Account, statusId: bigint): Promise<StatusView> {
    const visible = await this.statuses.getVisible(statusId, account.id);
    const status = visible.reblogOf ? await this.statuses.getVisible(visible.reblogOf.id, account.id) : visible;
    await this.bookmarks.remove(account.id, status.id);
    return status;
  }

  /** The account's bookmarked statuses it may still see, newest bookmark first; `cursor` is the bookmark id. */
  async list(account: Account, range: IdRange): Promise<{ cursor: bigint; status: StatusView }[]> {
    const rows = newestFirst(await this.bookmarks.page(account.id, idWhere(range), range.limit, range.minId !== undefined));
    const out: { cursor: bigint; status: StatusView }[] = [];
    for (const row of rows) {
      if (await this.statuses.canSee(row.status, account.id)) out.push({ cursor: row.id, status: row.status });
    }
    return out;
  }
}
