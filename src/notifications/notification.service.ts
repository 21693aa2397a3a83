import type { IdRange, NotificationQuery, NotificationRepository, NotificationSubject, NotificationType } from "./notification.repository.ts";
import { newestFirst } from "./notification.repository.ts";
import { groupKeyOf, parseGroupKey } from "./group-key.ts";
import { silentBus, type EventBus } from "../streaming/events.ts";

type Recipient = { id: bigint; domain: string | null };

/** Told of every new notification (Web Push queues its pushes here), with the push subscriptions that want it. */
export type NotificationListener = (notification: { id: bigint; accountId: bigint; type: NotificationType; pushTo: bigint[] }) => Promise<void>;

export class NotificationService {
  private readonly notifications: NotificationRepository;
  /** Live updates (the streaming API); set by the core once the bus exists. */
  events: EventBus = silentBus;
  /** Set by the core once Web Push exists. */
  onCreated: NotificationListener = async () => undefined;

  constructor(notifications: NotificationRepository) {
    this.notifications = notifications;
  }

  /** Only local accounts get notifications; nobody is notified of their own acts, nor by those they silenced. */
  notify(recipient: Recipient, fromAccountId: bigint, type: NotificationType, statusId?: bigint | null) {
    return this.notifyAbout(recipient, fromAccountId, type, { statusId });
  }

  /** A moderator hears of a new report (Mastodon's admin.report, from the reporter, carrying the report). */
  reportFiled(moderator: Recipient, report: { id: bigint; accountId: bigint }) {
    return this.notifyAbout(moderator, report.accountId, "admin.report", { reportId: report.id });
  }

  /** The recipient may have silenced the sender (a mute, a block): the repository checks as it writes. */
  private async notifyAbout(recipient: Recipient, fromAccountId: bigint, type: NotificationType, subject: NotificationSubject) {
    if (recipient.domain !== null || recipient.id === fromAccountId) return;
    const data = { accountId: recipient.id, fromAccountId, type, ...subject };
    await this.created(data, await this.notifications.createUnlessSilenced(data));
  }

  /** A notification for a local account; the unique keys make a repeat a no-op. */
  private async record(accountId: bigint, fromAccountId: bigint, type: NotificationType, subject: NotificationSubject) {
    const data = { accountId, fromAccountId, type, ...subject };
    await this.created(data, await this.notifications.create(data));
  }

  /** Notifications written in bulk elsewhere (a move's batch): live updates and pushes, as for one made here. */
  async announce(type: NotificationType, created: { id: bigint; accountId: bigint; pushTo: bigint[] }[]) {
    await Promise.all(created.map((row) => this.created({ accountId: row.accountId, type }, row)));
  }

  private async created({ accountId, type }: { accountId: bigint; type: NotificationType }, created: { id: bigint; pushTo: bigint[] } | null) {
    if (!created) return;
    await this.events.publish({ type: "notification.created", accountId, notificationId: created.id });
    await this.onCreated({ id: created.id, accountId, type, pushTo: created.pushTo });
  }

  /**
   * A poll ended (Mastodon's `poll`, from the poll's author): its local
   * voters hear of it, and so does its author when local, the one
   * notification anyone gets of their own act.
   */
  async pollEnded(status: { id: bigint; accountId: bigint; account: { domain: string | null } }, localVoterIds: bigint[]) {
    if (status.account.domain === null) await this.record(status.accountId, status.accountId, "poll", { statusId: status.id });
    for (const voterId of localVoterIds) await this.notify({ id: voterId, domain: null }, status.accountId, "poll", status.id);
  }

  /** A status was edited: the local accounts that reblogged it hear about it (Mastodon's `update`). */
  async statusEdited(status: { id: bigint; accountId: bigint }) {
    for (const accountId of await this.notifications.localRebloggerIds(status.id)) {
      await this.notify({ id: accountId, domain: null }, status.accountId, "update", status.id);
    }
  }

  withdraw(accountId: bigint, fromAccountId: bigint, type: NotificationType) {
    return this.notifications.deleteWhere({ accountId, fromAccountId, type });
  }

  async list(accountId: bigint, range: IdRange, query: NotificationQuery = {}) {
    return newestFirst(await this.notifications.page(accountId, range, query));
  }

  unreadCount(accountId: bigint, lastReadId: bigint | null, limit: number, query: NotificationQuery = {}) {
    return this.notifications.countAfter(accountId, lastReadId, limit, query);
  }

  get(accountId: bigint, id: bigint) {
    return this.notifications.find(accountId, id);
  }

  /** True if there was such a notification. */
  async dismiss(accountId: bigint, id: bigint) {
    return (await this.notifications.dismiss(accountId, id)).count > 0;
  }

  /** The notifications a group key names (v2 grouped notifications), newest first. */
  async group(accountId: bigint, groupKey: string) {
    const group = parseGroupKey(groupKey);
    if (!group) return [];
    if (group.id === undefined) return this.notifications.inGroup(accountId, group);
    const one = await this.notifications.find(accountId, group.id);
    return one ? [one] : [];
  }

  /** Dismisses every notification of a group; true if the key named any. */
  async dismissGroup(accountId: bigint, groupKey: string) {
    const group = parseGroupKey(groupKey);
    if (!group) return false;
    const removed = group.id !== undefined ? await this.notifications.dismiss(accountId, group.id) : await this.notifications.dismissGroup(accountId, group);
    return removed.count > 0;
  }

  clear(accountId: bigint) {
    return this.notifications.clear(accountId);
  }

  groupKey = groupKeyOf;
}
