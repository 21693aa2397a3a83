import type { IdRange, NotificationRepository, NotificationType } from "./notification.repository.ts";
import { newestFirst } from "./notification.repository.ts";

export class NotificationService {
  private readonly notifications: NotificationRepository;

  constructor(notifications: NotificationRepository) {
    this.notifications = notifications;
  }

  /** Only local accounts get notifications; nobody is notified of their own acts. */
  async notify(recipient: { id: bigint; domain: string | null }, fromAccountId: bigint, type: NotificationType, statusId?: bigint | null) {
    if (recipient.domain !== null || recipient.id === fromAccountId) return;
    await this.notifications.create({ accountId: recipient.id, fromAccountId, type, statusId });
  }

  withdraw(accountId: bigint, fromAccountId: bigint, type: NotificationType) {
    return this.notifications.deleteWhere({ accountId, fromAccountId, type });
  }

  async list(accountId: bigint, range: IdRange, types?: string[], excludeTypes?: string[]) {
    return newestFirst(await this.notifications.page(accountId, range, types, excludeTypes));
  }

  get(accountId: bigint, id: bigint) {
    return this.notifications.find(accountId, id);
  }

  dismiss(accountId: bigint, id: bigint) {
    return this.notifications.dismiss(accountId, id);
  }

  clear(accountId: bigint) {
    return this.notifications.clear(accountId);
  }
}
