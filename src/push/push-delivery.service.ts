import { PermanentJobError, type JobPayloads, type JobQueue } from "../jobs/jobs.ts";
import { pushMessage } from "./push-message.ts";
import type { DeliverableSubscription, PushSubscriptionRepository } from "./push-subscription.repository.ts";
import { openToken } from "./token-seal.ts";
import type { VapidKeys } from "./vapid.ts";

// Web Push delivery: a new notification becomes one job per subscription that
// wants it; the job encrypts the message for the user agent (RFC 8291, or the
// older aesgcm draft for subscriptions that did not ask for the standard, as
// Mastodon does), signs a VAPID JWT (RFC 8292) and POSTs to the push service.

/**
 * One POST to a push service. The composition root passes one behind the
 * SSRF guard; `refused` when the guard would not let it through.
 */
export type PushTransport = (url: URL, init: { method: "POST"; headers: Record<string, string>; body: Uint8Array }) => Promise<{ status: number } | { refused: string }>;

const TTL_SECONDS = 48 * 3600;

export type PushDeliveryDeps = {
  subscriptions: PushSubscriptionRepository;
  vapid: VapidKeys;
  jobs: JobQueue;
  isFollowing: (followerId: bigint, targetId: bigint) => Promise<boolean>;
  /** The contact push services may write to about our pushes (VAPID `sub`). */
  contact: () => Promise<string>;
  missingAvatar: string;
};

export class PushDeliveryService {
  private readonly deps: PushDeliveryDeps;
  /** Set by the composition root; until then nothing leaves the machine. */
  transport: PushTransport = async () => ({ refused: "no push transport configured" });

  constructor(deps: PushDeliveryDeps) {
    this.deps = deps;
  }

  /** Queues a push to every subscription that wants the notification (its insert named them); the job checks the policy. */
  async notificationCreated(notification: { id: bigint; pushTo: bigint[] }) {
    for (const id of notification.pushTo) {
      const job = { subscriptionId: String(id), notificationId: String(notification.id) };
      await this.deps.jobs.enqueue("push.deliver", job, { dedupeKey: `${job.subscriptionId}:${job.notificationId}` });
    }
  }

  /**
   * Sends one push. Nothing is sent when the subscription, its token or the
   * notification is gone, or the subscription no longer wants it. 404 and 410
   * mean the push service forgot the subscription, so Kith does too; other
   * refusals are final; anything else is retried with backoff.
   */
  async deliver(job: JobPayloads["push.deliver"]): Promise<void> {
    const { subscriptions } = this.deps;
    const subscription = await subscriptions.findForDelivery(BigInt(job.subscriptionId));
    if (!subscription || !usable(subscription)) return;
    const notification = await subscriptions.findNotification(subscription.accountId, BigInt(job.notificationId));
    if (!notification || !(await this.wants(subscription, notification.type, notification.fromAccountId))) return;

    const vapid = await this.deps.vapid.get();
    const accessToken = openToken(subscription.sealedToken, vapid.privateKey);
    // Sealed under another key pair: the push service would refuse our signature too.
    if (accessToken === null) {
      await subscriptions.delete(subscription.id);
      return;
    }
    const message = pushMessage(notification, {
      accessToken,
      locale: subscription.account.user?.locale || "en",
      icon: notification.fromAccount.avatarUrl ?? this.deps.missingAvatar,
    });
    // Imported here, not at start-up: most processes never send a push.
    const { default: webPush } = await import("web-push");
    const request = webPush.generateRequestDetails({ endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } }, message, {
      vapidDetails: { subject: await this.deps.contact(), publicKey: vapid.publicKey, privateKey: vapid.privateKey },
      contentEncoding: subscription.standard ? "aes128gcm" : "aesgcm",
      TTL: TTL_SECONDS,
      urgency: "normal",
    });
    const headers = Object.fromEntries(
      Object.entries(request.headers as Record<string, unknown>).filter(([name]) => name.toLowerCase() !== "content-length").map(([name, value]) => [name, String(value)]),
    );
    const answer = await this.transport(new URL(subscription.endpoint), { method: "POST", headers, body: request.body });
    if ("refused" in answer) throw new PermanentJobError(answer.refused);
    const { status } = answer;
    if (status >= 200 && status < 300) return;
    if (status === 404 || status === 410) {
      await subscriptions.delete(subscription.id);
      return;
    }
    const problem = `push service at ${new URL(subscription.endpoint).host} answered ${status}`;
    if (status >= 400 && status < 500 && status !== 408 && status !== 429) throw new PermanentJobError(problem);
    throw new Error(problem);
  }

  /** Mastodon's alerts and policy: followed = people the user follows, follower = people who follow the user. */
  private async wants(subscription: DeliverableSubscription, type: string, fromId: bigint): Promise<boolean> {
    if (!subscription.alerts.includes(type)) return false;
    switch (subscription.policy) {
      case "all":
        return true;
      case "followed":
        return this.deps.isFollowing(subscription.accountId, fromId);
      case "follower":
        return this.deps.isFollowing(fromId, subscription.accountId);
      default:
        return false;
    }
  }
}

function usable(s: DeliverableSubscription): boolean {
  const token = s.accessToken;
  if (token.revokedAt || (token.expiresAt && token.expiresAt <= new Date())) return false;
  return !s.account.suspendedAt && !s.account.user?.disabledAt;
}
