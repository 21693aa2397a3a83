import type { KvKey, KvStore } from "@fedify/fedify";
import { ExpiringMap } from "../src/expiring-map.ts";

// Every delivery reads two small things from the KvStore that hardly ever
// change: which signature spec the receiving server takes, and the circuit
// state of its host (read twice: before sending and when recording success).
// On Redis that is three round trips per delivery for values that change a
// few times a day. This wrapper keeps what it read or wrote under the given
// prefixes for a few seconds in memory; writes go through at once, and a
// compare-and-swap that loses forgets the entry, so the caller's retry reads
// the store. Another process's write is seen within `ttlMs`.

const SEP = "\u001f";
const MAX_ENTRIES = 50_000;

export function rememberReads(kv: KvStore, prefixes: readonly (readonly string[])[], ttlMs: number, now: () => number = Date.now): KvStore {
  const memo = new ExpiringMap<{ json: string | undefined }>(ttlMs, MAX_ENTRIES, now);
  const applies = (key: KvKey) => prefixes.some((p) => p.length < key.length && p.every((part, i) => key[i] === part));
  const remember = (id: string, value: unknown) => memo.set(id, { json: value === undefined ? undefined : JSON.stringify(value) });
  const wrapped: KvStore = {
    async get<T = unknown>(key: KvKey): Promise<T | undefined> {
      if (!applies(key)) return kv.get<T>(key);
      const id = key.join(SEP);
      const hit = memo.get(id);
      if (hit) return hit.json === undefined ? undefined : (JSON.parse(hit.json) as T);
      const value = await kv.get<T>(key);
      remember(id, value);
      return value;
    },
    async set(key, value, options) {
      if (applies(key) && !options?.ttl) {
        // Fedify writes the spec back after every delivery; skip a write that changes nothing we know of.
        const hit = memo.get(key.join(SEP));
        if (hit && hit.json === JSON.stringify(value)) return;
      }
      await kv.set(key, value, options);
      if (applies(key)) remember(key.join(SEP), value);
    },
    async delete(key) {
      await kv.delete(key);
      memo.delete(key.join(SEP));
    },
    list: (prefix) => kv.list(prefix),
  };
  if (kv.cas) {
    wrapped.cas = async (key, expected, next, options) => {
      const swapped = await kv.cas!(key, expected, next, options);
      if (!applies(key)) return swapped;
      if (swapped) remember(key.join(SEP), next);
      else memo.delete(key.join(SEP));
      return swapped;
    };
  }
  return wrapped;
}
