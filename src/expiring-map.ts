// An in-process cache whose entries expire after a fixed time and whose
// oldest entry goes first when it is full: for facts that may be a little
// stale (keys, circuit states, who exists) read on every request or job.

export class ExpiringMap<T> {
  private readonly entries = new Map<string, { value: T; until: number }>();
  private readonly ttlMs: number;
  private readonly limit: number;
  private readonly now: () => number;

  constructor(ttlMs: number, limit: number, now: () => number = Date.now) {
    this.ttlMs = ttlMs;
    this.limit = limit;
    this.now = now;
  }

  /** The value, or undefined when there is none or it has expired. */
  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until > this.now()) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, value: T): void {
    this.entries.delete(key);
    if (this.entries.size >= this.limit) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, until: this.now() + this.ttlMs });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
