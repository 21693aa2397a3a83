import {
  createExponentialBackoffPolicy,
  createFederation,
  type Federation,
  type KvStore,
  type MessageQueue,
} from "@fedify/fedify";
import type { Config } from "../src/config.ts";
import type { Core } from "../src/core.ts";
import { registerActors } from "./actors.ts";
import { registerCollections } from "./collections.ts";
import { registerInbox } from "./inbox/listeners.ts";
import { registerNodeInfo } from "./nodeinfo.ts";
import { registerObjects } from "./objects.ts";

export type KithFederation = Federation<Core>;

const DAY_MS = 86_400_000;

/** Mastodon marks a host unavailable after failures on 7 distinct days; so do we. */
export function failedOnSevenDays(timestamps: readonly Temporal.Instant[]): boolean {
  return new Set(timestamps.map((t) => Math.floor(t.epochMilliseconds / DAY_MS))).size >= 7;
}

export function buildFederation(config: Config, kv: KvStore, queues: { inbox: MessageQueue; outbox: MessageQueue; fanout: MessageQueue }): KithFederation {
  const federation = createFederation<Core>({
    kv,
    kvPrefixes: { activityIdempotence: ["kith", "inbox-seen"] },
    queue: queues,
    manuallyStartQueue: true,
    origin: config.publicUrl.origin,
    allowPrivateAddress: config.allowPrivateAddress,
    userAgent: { software: "Kith/0.1.0", url: config.publicUrl },
    // Servers that answer 202 before verifying (and only know draft-cavage)
    // would silently drop an RFC 9421 first knock, so we knock with cavage.
    firstKnock: "draft-cavage-http-signatures-12",
    signatureTimeWindow: { hours: 1 },
    // 16 attempts: with the default 1 min base, doubling to 12 h, they span
    // about 3.7 days (Mastodon's retries span about 3 days).
    outboxRetryPolicy: createExponentialBackoffPolicy({
      initialDelay: { seconds: config.deliveryRetryBaseSeconds },
      factor: 2,
      maxDelay: { hours: 12 },
      maxAttempts: 16,
      jitter: true,
    }),
    inboxRetryPolicy: createExponentialBackoffPolicy({ initialDelay: { seconds: 10 }, factor: 2, maxDelay: { hours: 1 }, maxAttempts: 10, jitter: true }),
    permanentFailureStatusCodes: [400, 401, 403, 404, 405, 410, 413, 422],
    circuitBreaker: {
      failure: failedOnSevenDays,
      recoveryDelay: { hours: 1 },
      heldActivityTtl: { days: 3 },
      stateTtl: { days: 8 },
    },
  });
  registerActors(federation);
  registerCollections(federation);
  registerObjects(federation);
  registerNodeInfo(federation);
  registerInbox(federation);
  return federation;
}
