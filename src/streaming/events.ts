// The core's port for live updates. Services say what happened, in the
// domain's words, after their write commits; the streaming publisher works out
// which streams must hear of it and sends that over Redis to every web process.
// Publishing is best-effort: a lost event costs a client a refresh, never a write.

import type { StatusView } from "../statuses/status.repository.ts";

export type DomainEvent =
  /** The fan-out put a status into these home feeds and lists (and, if public, it is on the public timelines). */
  | { type: "status.distributed"; status: StatusView; homeAccountIds: bigint[]; listIds: bigint[] }
  /** A status was edited; whoever may have it hears of the new version. */
  | { type: "status.edited"; status: StatusView }
  /** A status (or a reblog) is gone; `status` is what it was just before. */
  | { type: "status.deleted"; status: StatusView }
  | { type: "notification.created"; accountId: bigint; notificationId: bigint }
  | { type: "filters.changed"; accountId: bigint };

export interface EventBus {
  publish(event: DomainEvent): Promise<void>;
}

/** For processes that never stream (the admin CLI) and for unit tests. */
export const silentBus: EventBus = { publish: async () => undefined };
