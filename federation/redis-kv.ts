import type { KvKey, KvStore, KvStoreListEntry, KvStoreSetOptions } from "@fedify/fedify";
import type { Redis } from "ioredis";

// Fedify's key-value store on Redis, so every web and worker process shares
// the inbox idempotence keys, key cache and circuit-breaker state.

const SEP = "\u001f";

export class RedisKvStore implements KvStore {
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(redis: Redis, prefix: string) {
    this.redis = redis;
    this.prefix = prefix;
  }

  private key(key: KvKey): string {
    return `${this.prefix}:kv:${key.join(SEP)}`;
  }

  async get<T = unknown>(key: KvKey): Promise<T | undefined> {
    const raw = await this.redis.get(this.key(key));
    return raw === null ? undefined : (JSON.parse(raw) as T);
  }

  /** Which of these keys hold a value, in one round trip. */
  async present(keys: readonly KvKey[]): Promise<boolean[]> {
    if (!keys.length) return [];
    const values = await this.redis.mget(keys.map((k) => this.key(k)));
    return values.map((v) => v !== null);
  }

  async set(key: KvKey, value: unknown, options?: KvStoreSetOptions): Promise<void> {
    const raw = canonicalJson(value);
    const ttl = options?.ttl ? Math.max(1, Math.ceil(options.ttl.total("millisecond"))) : 0;
    if (ttl) await this.redis.set(this.key(key), raw, "PX", ttl);
    else await this.redis.set(this.key(key), raw);
  }

  async delete(key: KvKey): Promise<void> {
    await this.redis.del(this.key(key));
  }

  /**
   * Compare-and-swap. Values are compared as JSON with sorted keys: Fedify
   * rebuilds the objects it read (its circuit breaker does) in another key
   * order than it wrote them. `next` undefined deletes the key.
   */
  async cas(key: KvKey, expected: unknown, next: unknown, options?: KvStoreSetOptions): Promise<boolean> {
    const ttl = options?.ttl ? Math.max(1, Math.ceil(options.ttl.total("millisecond"))) : 0;
    const script = `
      local cur = redis.call('GET', KEYS[1])
      if (cur == false and ARGV[1] == '') or cur == ARGV[1] then
        if ARGV[4] == '1' then redis.call('DEL', KEYS[1])
        elseif ARGV[3] ~= '0' then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
        else redis.call('SET', KEYS[1], ARGV[2]) end
        return 1
      end
      return 0`;
    const del = next === undefined;
    const result = await this.redis.eval(
      script,
      1,
      this.key(key),
      expected === undefined ? "" : canonicalJson(expected),
      del ? "" : canonicalJson(next),
      String(ttl),
      del ? "1" : "0",
    );
    return result === 1;
  }

  async *list(prefix?: KvKey): AsyncIterable<KvStoreListEntry> {
    const base = `${this.prefix}:kv:`;
    const pattern = prefix ? `${base}${escapeGlob(prefix.join(SEP))}*` : `${base}*`;
    let cursor = "0";
    do {
      const [next, keys] = await this.redis.scan(cursor, "MATCH", pattern, "COUNT", 200);
      cursor = next;
      for (const k of keys) {
        const raw = await this.redis.get(k);
        if (raw === null) continue;
        const key = k.slice(base.length).split(SEP) as unknown as KvKey;
        if (prefix && !prefix.every((p, i) => key[i] === p)) continue;
        yield { key, value: JSON.parse(raw) };
      }
    } while (cursor !== "0");
  }
}

/** JSON.stringify with object keys sorted, so equal values have one spelling. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v,
  );
}

function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
