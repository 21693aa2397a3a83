import type { KvKey, KvStore } from "@fedify/fedify";
import type { RedisKvStore } from "./redis-kv.ts";

// When to stop hammering a host that keeps failing: Mastodon's rule of
// failures on 7 distinct days since the last success, on Fedify's circuit
// breaker (state in the shared KvStore, so every worker agrees).

const DAY_MS = 86_400_000;
const utcDay = (epochMs: number) => Math.floor(epochMs / DAY_MS);

/** Mastodon marks a host unavailable after failures on 7 distinct (UTC) days; so do we. */
export function failedOnSevenDays(timestamps: readonly Temporal.Instant[]): boolean {
  return new Set(timestamps.map((t) => utcDay(t.epochMilliseconds))).size >= 7;
}

/** Where Fedify keeps circuit-breaker state in the KvStore (its default, named so we can find it). */
export const CIRCUIT_PREFIX = ["_fedify", "circuit"] as const;

/** Circuit-breaker policy: a host failing since its last success on 7 distinct days is skipped for a while. */
export const circuitBreakerOptions = {
  failure: failedOnSevenDays,
  recoveryDelay: { hours: 1 },
  heldActivityTtl: { days: 3 },
  stateTtl: { days: 8 },
} as const;

/**
 * Fedify keeps only the last 100 failure timestamps of a host for a custom
 * `failure` policy. A dead host that many deliveries fail against fills those
 * 100 within a day, so "7 distinct days" would never be seen and the circuit
 * would never open. This KvStore wrapper keeps circuit states compact on
 * write: one failure per UTC day (the latest), which is all the policy looks
 * at. Every other key passes through untouched.
 */
export function compactCircuitFailures(kv: KvStore): KvStore {
  const isCircuitKey = (key: KvKey) => key.length === CIRCUIT_PREFIX.length + 1 && CIRCUIT_PREFIX.every((p, i) => key[i] === p);
  const compact = (key: KvKey, value: unknown): unknown => {
    if (!isCircuitKey(key) || typeof value !== "object" || value === null) return value;
    const failures = (value as { failures?: unknown }).failures;
    if (!Array.isArray(failures) || !failures.every((f) => typeof f === "string")) return value;
    const lastOfDay = new Map<number, string>();
    for (const f of failures as string[]) {
      const ms = Date.parse(f);
      if (Number.isNaN(ms)) return value;
      const day = utcDay(ms);
      const kept = lastOfDay.get(day);
      if (kept === undefined || Date.parse(kept) <= ms) lastOfDay.set(day, f);
    }
    if (lastOfDay.size === failures.length) return value;
    const kept = [...lastOfDay.values()].sort((x, y) => Date.parse(x) - Date.parse(y));
    return { ...(value as object), failures: kept };
  };
  const wrapped: KvStore = {
    get: (key) => kv.get(key),
    set: (key, value, options) => kv.set(key, compact(key, value), options),
    delete: (key) => kv.delete(key),
    list: (prefix) => kv.list(prefix),
  };
  if (kv.cas) wrapped.cas = (key, expected, value, options) => kv.cas!(key, expected, compact(key, value), options);
  return wrapped;
}

/** The BullMQ priority of a delivery to a host that has failed since its last success. */
export const FAILING_HOST_PRIORITY = 100;

/**
 * Deliveries to hosts that are failing (a circuit state exists: Fedify deletes
 * it on the next success) and retries go after every delivery to a healthy
 * host, and a moment later (the queue's PRIORITIZED_WAIT_MS), so a fan-out
 * reaches the living before it knocks on the dead: a dead inbox costs
 * several times a live one (the failed connect, the failure bookkeeping, the
 * rescheduled job).
 */
export function deprioritizeFailingHosts(kv: RedisKvStore): (messages: readonly any[]) => Promise<(number | undefined)[]> {
  return async (messages) => {
    const priorities: (number | undefined)[] = messages.map((m) => (m?.type === "outbox" && m.attempt > 0 ? FAILING_HOST_PRIORITY : undefined));
    const hostOf = (m: { type?: string; inbox?: string }) => {
      if (m?.type !== "outbox" || typeof m.inbox !== "string") return null;
      try {
        return new URL(m.inbox).host;
      } catch {
        return null;
      }
    };
    const hosts = [...new Set(messages.map((m, i) => (priorities[i] === undefined ? hostOf(m) : null)).filter((h): h is string => h !== null))];
    if (!hosts.length) return priorities;
    const failing = await kv.present(hosts.map((h) => [...CIRCUIT_PREFIX, h]));
    const failingHosts = new Set(hosts.filter((_, i) => failing[i]));
    return messages.map((m, i) => priorities[i] ?? (failingHosts.has(hostOf(m) ?? "") ? FAILING_HOST_PRIORITY : undefined));
  };
}
