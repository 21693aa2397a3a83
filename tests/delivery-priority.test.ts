import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { CIRCUIT_PREFIX, deprioritizeFailingHosts, FAILING_HOST_PRIORITY } from "../federation/circuit-breaker.ts";
import { RedisKvStore } from "../federation/redis-kv.ts";
import { BullMqMessageQueue, PRIORITIZED_WAIT_MS } from "../workers/fedify-queue.ts";
import { clearRedisPrefix, REDIS } from "./helpers/instance.ts";
import { waitFor } from "./helpers/wait.ts";

// Deliveries to a host that has failed since its last success (Fedify keeps a
// circuit state for it) and retries queue behind deliveries to healthy hosts,
// in the real BullMQ on the real Redis.

const prefix = `kith_test_priority_${randomBytes(4).toString("hex")}`;
const redis = new Redis(REDIS, { maxRetriesPerRequest: null });
const kv = new RedisKvStore(redis, prefix);
const outbox = (host: string, attempt = 0) => ({ type: "outbox", inbox: `http://${host}/inbox`, attempt, activityId: `${host}#${attempt}` });

afterAll(async () => {
  redis.disconnect();
  await clearRedisPrefix(prefix);
});

describe("failing hosts are served last", () => {
  it("gives a priority to messages for failing hosts and to retries, none to the rest", async () => {
    await kv.set([...CIRCUIT_PREFIX, "dead.example:8080"], { state: "closed", failures: [new Date().toISOString()] });
    const priorities = await deprioritizeFailingHosts(kv)([
      outbox("dead.example:8080"),
      outbox("live.example"),
      outbox("live.example", 3),
      { type: "fanout", inboxes: {} },
      { type: "inbox", activity: {} },
      outbox("dead.example"), // another port is another host
    ]);
    expect(priorities).toEqual([FAILING_HOST_PRIORITY, undefined, FAILING_HOST_PRIORITY, undefined, undefined, undefined]);
  });

  it("hands out the healthy host's delivery before the failing host's, though it was queued after", async () => {
    await kv.set([...CIRCUIT_PREFIX, "dead.example"], { state: "closed", failures: [new Date().toISOString()] });
    const queue = new BullMqMessageQueue("fedify-outbox", redis, prefix, 1, undefined, undefined, deprioritizeFailingHosts(kv));
    const queued = Date.now();
    await queue.enqueueMany([outbox("dead.example"), outbox("dead.example"), outbox("live.example")]);
    await queue.enqueue(outbox("live2.example"));
    const order: string[] = [];
    const at = new Map<string, number>();
    const stop = new AbortController();
    const done = queue.listen(
      (m) => {
        const host = new URL(m.inbox).host;
        order.push(host);
        at.set(host, Date.now() - queued);
      },
      { signal: stop.signal },
    );
    await waitFor(async () => order.length === 4 || null, "four deliveries handed out");
    stop.abort();
    await done;
    await queue.close();
    expect(order).toEqual(["live.example", "live2.example", "dead.example", "dead.example"]);
    // The failing host waits a moment, so it never competes with the healthy deliveries of the same fan-out.
    expect(at.get("live.example")!).toBeLessThan(PRIORITIZED_WAIT_MS);
    expect(at.get("dead.example")!).toBeGreaterThanOrEqual(PRIORITIZED_WAIT_MS);
  });
});
