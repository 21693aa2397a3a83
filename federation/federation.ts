import {
  createExponentialBackoffPolicy,
  createFederation,
  MemoryKvStore,
  type Federation,
  type KvStore,
  type MessageQueue,
} from "@fedify/fedify";
import { getUserAgent } from "@fedify/vocab-runtime";
import type { Config } from "../src/config.ts";
import type { Core } from "../src/core.ts";
import { registerActors } from "./actors.ts";
import { CIRCUIT_PREFIX, circuitBreakerOptions, compactCircuitFailures } from "./circuit-breaker.ts";
import { registerCollections } from "./collections.ts";
import { registerInbox } from "./inbox/listeners.ts";
import type { InboxOutcomes } from "./inbox/outcomes.ts";
import { rememberReads } from "./kv-memo.ts";
import { registerNodeInfo } from "./nodeinfo.ts";
import { registerObjects } from "./objects.ts";
import { outboxTransport } from "./outbox-transport.ts";

export type KithFederation = Federation<Core>;

/** Where Fedify remembers which signature spec each server takes (its default). */
const SPEC_PREFIX = ["_fedify", "httpMessageSignaturesSpec"] as const;

export function buildFederation(
  config: Config,
  kv: KvStore,
  queues: { inbox: MessageQueue; outbox: MessageQueue; fanout: MessageQueue },
  outcomes: InboxOutcomes,
): KithFederation {
  const userAgent = userAgentOf(config);
  const federation = createFederation<Core>({
    kv: rememberReads(compactCircuitFailures(kv), [SPEC_PREFIX, CIRCUIT_PREFIX], 10_000),
    kvPrefixes: { activityIdempotence: ["kith", "inbox-seen"], circuitBreaker: [...CIRCUIT_PREFIX] },
    queue: { ...queues, inbox: outcomes.traced(queues.inbox) },
    manuallyStartQueue: true,
    origin: config.publicUrl.origin,
    allowPrivateAddress: config.allowPrivateAddress,
    userAgent,
    outboxTransport: outboxTransport({ allowPrivateAddress: config.allowPrivateAddress, userAgent: getUserAgent(userAgent) }),
    // Servers that answer 202 before verifying (and only know draft-cavage)
    // would silently drop an RFC 9421 first knock, so we knock with cavage.
    firstKnock: "draft-cavage-http-signatures-12",
    signatureTimeWindow: { hours: 1 },
    // 16 retries after the first attempt: with the default 1 min base,
    // doubling to 12 h, they span about 3.7 days before jitter (Fedify's
    // jitter stretches each delay below the 12 h cap by up to 2x); Mastodon's
    // retries span about 3 days. 404/410 and the other codes below are
    // permanent: no retry at all.
    outboxRetryPolicy: createExponentialBackoffPolicy({
      initialDelay: { seconds: config.deliveryRetryBaseSeconds },
      factor: 2,
      maxDelay: { hours: 12 },
      maxAttempts: 16,
      jitter: true,
    }),
    // 10 retries over about 2.4 hours; then the activity is logged and counted as failed (outcomes.ts).
    inboxRetryPolicy: outcomes.retrying(createExponentialBackoffPolicy({ initialDelay: { seconds: 10 }, factor: 2, maxDelay: { hours: 1 }, maxAttempts: 10, jitter: true })),
    // Mastodon's rule: a 4xx is final except 401, 408 and 429, and so is 501.
    // A 401 is often passing (the receiver could not fetch our key just
    // then), so it is retried like a 5xx.
    permanentFailureStatusCodes: [400, 403, 404, 405, 410, 413, 422, 501],
    circuitBreaker: circuitBreakerOptions,
  });
  registerActors(federation);
  registerCollections(federation);
  registerObjects(federation);
  registerNodeInfo(federation);
  registerInbox(federation, outcomes);
  return federation;
}

const userAgentOf = (config: Config) => ({ software: "Kith/0.1.0", url: config.publicUrl });

/**
 * A federation that only looks accounts up, for the admin CLI: no queues and
 * no inbox, nothing kept beyond the command; its fetches are signed by the
 * instance actor, as the server's are.
 */
export function buildLookupFederation(config: Config): KithFederation {
  const federation = createFederation<Core>({
    kv: new MemoryKvStore(),
    origin: config.publicUrl.origin,
    allowPrivateAddress: config.allowPrivateAddress,
    userAgent: userAgentOf(config),
  });
  registerActors(federation);
  return federation;
}
