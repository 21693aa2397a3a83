import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.ts";
import { createLogger } from "../src/logging.ts";
import { startKith, type Kith } from "../src/main.ts";
import { throttledAddress } from "../routes/rate-limit.ts";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";
import { freePort, testEnv } from "./helpers/instance.ts";

// Mastodon's rate limits, small enough to reach in a test: X-RateLimit-*
// headers, 429 {"error": "Too many requests"}, counters per account or IP
// shared through Redis by every web process, and client addresses taken from
// X-Forwarded-For only when a trusted proxy sent it. Windows are a day long so
// a test never straddles one.

const LIMITS = {
  KITH_RATE_LIMITS: "on",
  KITH_RATE_LIMIT_API: "5/86400",
  KITH_RATE_LIMIT_MEDIA: "2/86400",
  KITH_RATE_LIMIT_DELETES: "2/86400",
  KITH_RATE_LIMIT_SIGN_UPS: "2/86400",
};

type Call = { token?: string; ip?: string; forwardedFor?: string; body?: unknown };

function caller(k: Kith) {
  return (method: string, url: string, options: Call = {}) =>
    k.app!.inject({
      method: method as "GET",
      url,
      remoteAddress: options.ip ?? "127.0.0.1",
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.forwardedFor ? { "x-forwarded-for": options.forwardedFor } : {}),
        ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
      },
      payload: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
}

let kith: InProcess;
let call: ReturnType<typeof caller>;

async function user(name: string) {
  const account = await kith.core.accounts.createLocal(name);
  return { account, token: await kith.core.tokens.issue(account.id) };
}

/** `n` requests, returning the status codes. */
async function burst(n: number, request: () => ReturnType<typeof call>) {
  const codes: number[] = [];
  for (let i = 0; i < n; i++) codes.push((await request()).statusCode);
  return codes;
}

beforeAll(async () => {
  kith = await startInProcess("rate_limit", LIMITS);
  call = caller(kith);
}, 60_000);

afterAll(async () => kith?.destroy());

describe("the API limit", () => {
  it("sends X-RateLimit headers and refuses the request over the limit with 429, changing nothing", async () => {
    const { account, token } = await user("ursula");
    const seen: { remaining: string; reset: string; limit: string }[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await call("GET", "/api/v1/accounts/verify_credentials", { token });
      expect(res.statusCode).toBe(200);
      seen.push({ limit: String(res.headers["x-ratelimit-limit"]), remaining: String(res.headers["x-ratelimit-remaining"]), reset: String(res.headers["x-ratelimit-reset"]) });
    }
    expect(seen.map((s) => s.limit)).toEqual(["5", "5", "5", "5", "5"]);
    expect(seen.map((s) => s.remaining)).toEqual(["4", "3", "2", "1", "0"]);
    const reset = new Date(seen[0]!.reset);
    expect(seen.every((s) => s.reset === seen[0]!.reset)).toBe(true);
    expect(reset.getTime()).toBeGreaterThan(Date.now());
    expect(reset.getTime() % 86_400_000).toBe(0);

    const refused = await call("POST", "/api/v1/statuses", { token, body: { status: "over the limit" } });
    expect(refused.statusCode).toBe(429);
    expect(JSON.parse(refused.body)).toEqual({ error: "Too many requests" });
    expect(refused.headers["x-ratelimit-remaining"]).toBe("0");
    expect(refused.headers["x-ratelimit-reset"]).toBe(seen[0]!.reset);
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    expect((await kith.core.accounts.get(account.id)).statusesCount).toBe(0);
  });

  it("counts per account: another account and anonymous clients have their own budget", async () => {
    const { token } = await user("victor");
    const spent = await user("wanda");
    await burst(6, () => call("GET", "/api/v1/accounts/verify_credentials", { token: spent.token }));
    const res = await call("GET", "/api/v1/accounts/verify_credentials", { token });
    expect(res.statusCode).toBe(200);
    expect(res.headers["x-ratelimit-remaining"]).toBe("4");
    const anonymous = await call("GET", `/api/v1/accounts/${spent.account.id}`, { ip: "192.0.2.1" });
    expect(anonymous.statusCode).toBe(200);
    expect(anonymous.headers["x-ratelimit-remaining"]).toBe("4");
  });

  it("counts anonymous clients per IP address, and IPv6 clients per /64", async () => {
    const { account } = await user("xavier");
    const url = `/api/v1/accounts/${account.id}`;
    expect(await burst(6, () => call("GET", url, { ip: "192.0.2.10" }))).toEqual([200, 200, 200, 200, 200, 429]);
    expect((await call("GET", url, { ip: "192.0.2.11" })).statusCode).toBe(200);
    expect(await burst(3, () => call("GET", url, { ip: "2001:db8::1" }))).toEqual([200, 200, 200]);
    expect(await burst(3, () => call("GET", url, { ip: "2001:db8::2" }))).toEqual([200, 200, 429]);
    expect((await call("GET", url, { ip: "2001:db8:0:1::1" })).statusCode).toBe(200);
  });

  it("does not limit ActivityPub, WebFinger, NodeInfo or the health check", async () => {
    const { account } = await user("yara");
    const ip = "192.0.2.20";
    await burst(6, () => call("GET", `/api/v1/accounts/${account.id}`, { ip }));
    expect((await call("GET", `/api/v1/accounts/${account.id}`, { ip })).statusCode).toBe(429);
    const host = kith.core.config.domain;
    const others = [
      ["GET", `/.well-known/webfinger?resource=acct:yara@${host}`],
      ["GET", "/.well-known/nodeinfo"],
      ["GET", "/health"],
      ["GET", "/users/yara"],
      ["POST", "/inbox"],
      ["POST", "/users/yara/inbox"],
    ] as const;
    for (const [method, url] of others) {
      for (let i = 0; i < 7; i++) {
        const res = await kith.app!.inject({
          method,
          url,
          remoteAddress: ip,
          headers: { accept: "application/activity+json", ...(method === "POST" ? { "content-type": "application/activity+json" } : {}) },
          payload: method === "POST" ? JSON.stringify({ type: "Follow" }) : undefined,
        });
        expect(res.statusCode, `${method} ${url}`).not.toBe(429);
        expect(res.headers["x-ratelimit-limit"], `${method} ${url}`).toBeUndefined();
      }
    }
  });
});

describe("the specific limits", () => {
  it("deleting statuses (and unreblogging): the third in the window is refused and the status stays", async () => {
    const { account, token } = await user("zoe");
    const [a, b, c] = await Promise.all(["one", "two", "three"].map((text) => kith.core.statuses.create(account, { text })));
    expect((await call("DELETE", `/api/v1/statuses/${a!.id}`, { token })).statusCode).toBe(200);
    const second = await call("DELETE", `/api/v1/statuses/${b!.id}`, { token });
    expect(second.statusCode).toBe(200);
    // The throttle closest to its limit is the one the headers describe.
    expect(second.headers["x-ratelimit-limit"]).toBe("2");
    expect(second.headers["x-ratelimit-remaining"]).toBe("0");
    const third = await call("DELETE", `/api/v1/statuses/${c!.id}`, { token });
    expect(third.statusCode).toBe(429);
    expect(JSON.parse(third.body)).toEqual({ error: "Too many requests" });
    expect(await kith.core.statuses.findById(c!.id)).not.toBeNull();
    expect((await call("POST", `/api/v1/statuses/${c!.id}/unreblog`, { token })).statusCode).toBe(429);
  });

  it("media uploads: two per window", async () => {
    const { token } = await user("mona");
    const codes = await burst(3, () => call("POST", "/api/v2/media", { token, body: {} }));
    expect(codes.slice(0, 2).every((code) => code !== 429)).toBe(true);
    expect(codes[2]).toBe(429);
  });

  it("sign-ups: two per window and IP address", async () => {
    const ip = "198.51.100.7";
    const codes = await burst(3, () => call("POST", "/api/v1/accounts", { ip, body: {} }));
    expect(codes.slice(0, 2).every((code) => code !== 429)).toBe(true);
    const third = await call("POST", "/api/v1/accounts", { ip, body: {} });
    expect(third.statusCode).toBe(429);
    expect(third.headers["x-ratelimit-limit"]).toBe("2");
    expect((await call("POST", "/api/v1/accounts", { ip: "198.51.100.8", body: {} })).statusCode).not.toBe(429);
  });
});

describe("several web processes", () => {
  let second: Kith;

  beforeAll(async () => {
    const port = await freePort();
    const c = kith.core.config;
    const env = { ...testEnv(c.redisPrefix, port), KITH_PUBLIC_URL: c.publicUrl.origin, KITH_MEDIA_DIR: c.mediaDir, ...LIMITS, ROLE: "web", LOG_LEVEL: "silent" };
    second = await startKith(loadConfig(env), createLogger("silent"));
  }, 60_000);

  afterAll(async () => second?.close());

  it("share the counters through Redis", async () => {
    const { token } = await user("nina");
    const other = caller(second);
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) codes.push((await (i % 2 ? other : call)("GET", "/api/v1/accounts/verify_credentials", { token })).statusCode);
    expect(codes).toEqual([200, 200, 200, 200, 200, 429]);
  });
});

describe("client addresses behind proxies", () => {
  it("believes X-Forwarded-For from a trusted proxy (loopback by default)", async () => {
    const { account } = await user("olga");
    const url = `/api/v1/accounts/${account.id}`;
    const viaProxy = (client: string) => call("GET", url, { ip: "127.0.0.1", forwardedFor: client });
    expect(await burst(6, () => viaProxy("203.0.113.1"))).toEqual([200, 200, 200, 200, 200, 429]);
    // Another client behind the same proxy has its own budget.
    expect((await viaProxy("203.0.113.2")).statusCode).toBe(200);
  });

  it("ignores X-Forwarded-For from a peer that is not a trusted proxy", async () => {
    const { account } = await user("petra");
    const url = `/api/v1/accounts/${account.id}`;
    let n = 0;
    const spoofed = () => call("GET", url, { ip: "192.0.2.99", forwardedFor: `203.0.113.${++n}` });
    expect(await burst(6, spoofed)).toEqual([200, 200, 200, 200, 200, 429]);
  });

  describe("with KITH_TRUSTED_PROXIES naming another address", () => {
    let guarded: InProcess;

    beforeAll(async () => {
      guarded = await startInProcess("rate_limit_proxy", { ...LIMITS, KITH_TRUSTED_PROXIES: "10.0.0.1, 10.1.0.0/16" });
    }, 60_000);

    afterAll(async () => guarded?.destroy());

    it("a spoofed X-Forwarded-For over a real socket from loopback does not change the key", async () => {
      const account = await guarded.core.accounts.createLocal("quinn");
      const url = `${guarded.core.config.publicUrl.origin}/api/v1/accounts/${account.id}`;
      const codes: number[] = [];
      for (let i = 1; i <= 6; i++) codes.push((await fetch(url, { headers: { "x-forwarded-for": `203.0.113.${i}` } })).status);
      expect(codes).toEqual([200, 200, 200, 200, 200, 429]);
    });

    it("the configured proxies are believed", async () => {
      const account = await guarded.core.accounts.createLocal("rosa");
      const url = `/api/v1/accounts/${account.id}`;
      const via = caller(guarded);
      expect(await burst(6, () => via("GET", url, { ip: "10.0.0.1", forwardedFor: "203.0.113.50" }))).toEqual([200, 200, 200, 200, 200, 429]);
      expect((await via("GET", url, { ip: "10.1.2.3", forwardedFor: "203.0.113.51" })).statusCode).toBe(200);
      // The client's own claims further left are not believed past an untrusted hop.
      expect((await via("GET", url, { ip: "10.0.0.1", forwardedFor: "203.0.113.52, 203.0.113.50" })).statusCode).toBe(429);
    });
  });
});

describe("configuration", () => {
  const base = testEnv("kith_config_check", 3000);

  it("has Mastodon's limits and loopback proxies by default", () => {
    const config = loadConfig({ ...base, KITH_RATE_LIMITS: undefined });
    expect(config.rateLimitsEnabled).toBe(true);
    expect(config.rateLimits).toEqual({
      api: { max: 300, windowSeconds: 300 },
      media: { max: 30, windowSeconds: 1800 },
      deletes: { max: 30, windowSeconds: 1800 },
      signUps: { max: 5, windowSeconds: 1800 },
      signIns: { max: 25, windowSeconds: 300 },
      signInsPerLogin: { max: 25, windowSeconds: 3600 },
    });
    expect(config.trustedProxies).toEqual(["loopback"]);
  });

  it("takes limits as requests/seconds or off, and proxies as addresses and ranges", () => {
    const config = loadConfig({ ...base, KITH_RATE_LIMIT_API: "10/60", KITH_RATE_LIMIT_MEDIA: "off", KITH_TRUSTED_PROXIES: "10.0.0.1, fd00::/8,loopback" });
    expect(config.rateLimits.api).toEqual({ max: 10, windowSeconds: 60 });
    expect(config.rateLimits.media).toBeNull();
    expect(config.trustedProxies).toEqual(["10.0.0.1", "fd00::/8", "loopback"]);
    expect(loadConfig({ ...base, KITH_TRUSTED_PROXIES: "" }).trustedProxies).toEqual([]);
  });

  it.each([
    ["KITH_RATE_LIMIT_API", "300"],
    ["KITH_RATE_LIMIT_DELETES", "0/60"],
    ["KITH_RATE_LIMIT_SIGN_UPS", "five/1800"],
    ["KITH_TRUSTED_PROXIES", "10.0.0.0/33"],
    ["KITH_TRUSTED_PROXIES", "10.0.0.1,proxy.example"],
    ["KITH_RATE_LIMITS", "maybe"],
  ])("refuses %s=%s, naming the variable", (name, value) => {
    expect(() => loadConfig({ ...base, [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, [name]: value })).toThrow(new RegExp(name));
  });
});

describe("throttledAddress", () => {
  it("keeps IPv4, unwraps IPv4-mapped IPv6 and widens IPv6 to its /64", () => {
    expect(throttledAddress("192.0.2.1")).toBe("192.0.2.1");
    expect(throttledAddress("::ffff:192.0.2.1")).toBe("192.0.2.1");
    expect(throttledAddress("2001:db8:1:2:3:4:5:6")).toBe("2001:db8:1:2::/64");
    expect(throttledAddress("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(throttledAddress("::1")).toBe("0:0:0:0::/64");
  });
});
