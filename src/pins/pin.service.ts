import type { Account } from "../accounts/account.repository.ts";
import { unprocessable } from "../errors.ts";
import type { StatusView } from "../statuses/status.repository.ts";
import type { StatusService } from "../statuses/status.service.ts";
import type { PinRepository } from "./pin.repository.ts";

// Pinned statuses: shown on top of a profile and served in the actor's
// `featured` collection, so other servers show them too.

export const MAX_PINS = 5;

export class PinService {
  private readonly pins: PinRepository;
  private readonly statuses: StatusService;

  constructor(pins: PinRepository, statuses: StatusService) {
    this.pins = pins;
    this.statuses = statuses;
  }

  /** Only one's own public or unlisted posts (not reblogs), five at most. */
  async pin(account: Account, statusId: bigint): Promise<StatusView> {
    const status = await this.statuses.getVisible(statusId, account.id);
    if (status.accountId !== account.id) throw unprocessable("Validation failed: You can only pin your own statuses");
    if (status.reblogOfId) throw unprocessable("Validation failed: A reblog cannot be pinned");
    if (status.visibility !== "public" && status.visibility !== "unlisted") throw unprocessable("Validation failed: Only public and unlisted statuses can be pinned");
    if (!(await this.pins.add(account.id, status.id, MAX_PINS))) throw unprocessable(`Validation failed: You have already pinned the maximum number of statuses (${MAX_PINS})`);
    return status;
  }

  async unpin(account: Account, statusId: bigint): Promise<StatusView> {
    const status = await this.statuses.getVisible(statusId, account.id);
    await this.pins.remove(account.id, status.id);
    return status;
  }

  /** An account's pinned statuses the viewer may see. */
  async pinned(accountId: bigint, viewerId: bigint | null): Promise<StatusView[]> {
    const out: StatusView[] = [];
    for (const status of await this.pins.pinnedStatuses(accountId)) {
      if (await this.statuses.canSee(status, viewerId)) out.push(status);
    }
    return out;
  }

  /** What the `featured` collection lists: pinned posts anyone may see. */
  async featured(accountId: bigint): Promise<StatusView[]> {
    return this.pinned(accountId, null);
  }
}

