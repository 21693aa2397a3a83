import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { rememberReads } from "../federation/kv-memo.ts";
import { RedisKvStore } from "../federation/redis-kv.ts";
import { clearRedisPrefix, REDIS } from "./helpers/instance.ts";

// The short in-memory memory of KvStore reads that every delivery makes
// (signature spec, circuit state), over the real Redis store.

const prefix = `kith_test_kvmemo_${randomBytes(4).toString("hex")}`;
const redis = new Redis(REDIS);
const store = new RedisKvStore(redis, prefix);
let clock = 1_000_000;
const kv = rememberReads(store, [["spec"]], 10_000, () => clock);

afterAll(async () => {
  redis.disconnect();
  await clearRedisPrefix(prefix);
});

describe("rememberReads", () => {
  it("answers a repeated read from memory until the entry is ttl old", async () => {
    await store.set(["spec", "a.example"], "draft-cavage");
    expect(await kv.get(["spec", "a.example"])).toBe("draft-cavage");
    await store.set(["spec", "a.example"], "rfc9421"); // another process writes
    expect(await kv.get(["spec", "a.example"])).toBe("draft-cavage");
    clock += 10_001;
    expect(await kv.get(["spec", "a.example"])).toBe("rfc9421");
  });

  it("remembers absence too, and its own writes at once", async () => {
    expect(await kv.get(["spec", "b.example"])).toBeUndefined();
    await kv.set(["spec", "b.example"], "rfc9421");
    expect(await kv.get(["spec", "b.example"])).toBe("rfc9421");
    expect(await store.get(["spec", "b.example"])).toBe("rfc9421");
    await kv.delete(["spec", "b.example"]);
    expect(await kv.get(["spec", "b.example"])).toBeUndefined();
  });

  it("forgets an entry when a compare-and-swap loses, so the retry reads the store", async () => {
    await kv.set(["spec", "c.example"], { n: 1 });
    await store.set(["spec", "c.example"], { n: 2 });
    expect(await kv.get(["spec", "c.example"])).toEqual({ n: 1 });
    expect(await kv.cas!(["spec", "c.example"], { n: 1 }, { n: 3 })).toBe(false);
    expect(await kv.get(["spec", "c.example"])).toEqual({ n: 2 });
    expect(await kv.cas!(["spec", "c.example"], { n: 2 }, { n: 3 })).toBe(true);
    expect(await kv.get(["spec", "c.example"])).toEqual({ n: 3 });
  });

  it("skips writing back a value it read moments ago, but not a changed one", async () => {
    await store.set(["spec", "e.example"], "draft-cavage");
    expect(await kv.get(["spec", "e.example"])).toBe("draft-cavage");
    await store.delete(["spec", "e.example"]); // seen by nobody within the ttl
    await kv.set(["spec", "e.example"], "draft-cavage");
    expect(await store.get(["spec", "e.example"])).toBeUndefined();
    await kv.set(["spec", "e.example"], "rfc9421");
    expect(await store.get(["spec", "e.example"])).toBe("rfc9421");
  });

  it("passes other keys straight through", async () => {
    await kv.set(["other", "x"], 1);
    await store.set(["other", "x"], 2);
    expect(await kv.get(["other", "x"])).toBe(2);
  });

  it("hands out a copy, so a caller that changes it changes nothing remembered", async () => {
    await kv.set(["spec", "d.example"], { failures: ["t1"] });
    const first = await kv.get<{ failures: string[] }>(["spec", "d.example"]);
    first!.failures.push("t2");
    expect(await kv.get(["spec", "d.example"])).toEqual({ failures: ["t1"] });
  });
});
