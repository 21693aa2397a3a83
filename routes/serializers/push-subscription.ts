import { PUSH_ALERT_TYPES } from "../../src/notifications/notification.repository.ts";
import type { PushSubscription } from "../../src/push/push-subscription.repository.ts";

/** Mastodon's WebPushSubscription entity: every alert named, on or off. */
export function serializePushSubscription(s: PushSubscription, serverKey: string) {
  return {
    id: String(s.id),
    endpoint: s.endpoint,
    standard: s.standard,
    alerts: Object.fromEntries(PUSH_ALERT_TYPES.map((type) => [type, s.alerts.includes(type)])),
    policy: s.policy,
    server_key: serverKey,
  };
}
