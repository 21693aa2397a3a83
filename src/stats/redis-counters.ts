import type { Redis } from "ioredis";

// Counts an operator reads (`kith stats`): fields of one Redis hash, shared by
// every process. Increments are added up in memory and written at most every
// `everyMs`, so counting costs no round trip per event; counting never fails
// what it counts.

/** The counters of what became of accepted inbox activities (federation/inbox/outcomes.ts). */
export const INBOX_OUTCOMES = "inbox-outcomes";

export const statsKey = (prefix: string, name: string) => `${prefix}:kith-stats:${name}`;

export class RedisCounters {
  private readonly redis: () => Promise<Redis>;
  private readonly key: string;
  private readonly everyMs: number;
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(redis: () => Promise<Redis>, key: string, everyMs = 25) {
    this.redis = redis;
    this.key = key;
    this.everyMs = everyMs;
  }

  add(field: string, n = 1) {
    this.pending.set(field, (this.pending.get(field) ?? 0) + n);
    this.timer ??= setTimeout(() => void this.flush(), this.everyMs);
  }

  /** Writes what was counted since the last write. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const counted = this.pending;
    this.pending = new Map();
    if (!counted.size) return;
    try {
      const redis = await this.redis();
      await Promise.all([...counted].map(([field, n]) => redis.hincrby(this.key, field, n)));
    } catch {
      // A closed or lost connection: the counts are indicators; what they count was done.
    }
  }

  async read(): Promise<Record<string, number>> {
    return readCounters(await this.redis(), this.key);
  }
}

export async function readCounters(redis: Redis, key: string): Promise<Record<string, number>> {
  const raw = await redis.hgetall(key);
  return Object.fromEntries(Object.entries(raw).map(([field, n]) => [field, Number(n)]));
}
