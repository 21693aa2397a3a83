import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { KithError } from "../errors.ts";

// Mastodon's Idempotency-Key: a client that retries a post with the same key
// within an hour gets the first result back instead of a duplicate.

const TTL_SECONDS = 3600;
const PENDING = "pending";

export interface IdempotencyStore {
  /** Takes the key if free (null), else returns what it holds: PENDING or a result. */
  claim(key: string, ttlSeconds: number): Promise<string | null>;
  settle(key: string, result: string, ttlSeconds: number): Promise<void>;
  release(key: string): Promise<void>;
}

export class RedisIdempotencyStore implements IdempotencyStore {
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(redis: Redis, prefix: string) {
    this.redis = redis;
    this.prefix = `${prefix}:idempotency:`;
  }

  async claim(key: string, ttlSeconds: number) {
    const taken = await this.redis.set(this.prefix + key, PENDING, "EX", ttlSeconds, "NX");
    return taken === "OK" ? null : ((await this.redis.get(this.prefix + key)) ?? PENDING);
  }

  async settle(key: string, result: string, ttlSeconds: number) {
    await this.redis.set(this.prefix + key, result, "EX", ttlSeconds);
  }

  async release(key: string) {
    await this.redis.del(this.prefix + key);
  }
}

/** For a core without Redis (the admin CLI): keys last as long as the process. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, { value: string; until: number }>();

  async claim(key: string, ttlSeconds: number) {
    const hit = this.entries.get(key);
    if (hit && hit.until > Date.now()) return hit.value;
    this.entries.set(key, { value: PENDING, until: Date.now() + ttlSeconds * 1000 });
    return null;
  }

  async settle(key: string, result: string, ttlSeconds: number) {
    this.entries.set(key, { value: result, until: Date.now() + ttlSeconds * 1000 });
  }

  async release(key: string) {
    this.entries.delete(key);
  }
}

/**
 * Runs `work` once per (account, key) within the hour and returns its result
 * (a short string, such as an id) to every repeat. A repeat that arrives while
 * the first is still running waits for it, briefly.
 */
export async function runOnce(store: IdempotencyStore, accountId: bigint, key: string, work: () => Promise<string>): Promise<{ result: string; repeated: boolean }> {
  const id = `${accountId}:${createHash("sha256").update(key).digest("hex")}`;
  for (let waited = 0; ; waited += 100) {
    const held = await store.claim(id, TTL_SECONDS);
    if (held === null) break;
    if (held !== PENDING) return { result: held, repeated: true };
    if (waited >= 5_000) throw new KithError(409, "A request with the same Idempotency-Key is still being processed");
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    const result = await work();
    await store.settle(id, result, TTL_SECONDS);
    return { result, repeated: false };
  } catch (err) {
    await store.release(id);
    throw err;
  }
}
