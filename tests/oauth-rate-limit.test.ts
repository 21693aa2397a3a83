import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.ts";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";
import { testEnv } from "./helpers/instance.ts";
import { CookieJar, count, hiddenFields, registerApp, type App } from "./helpers/oauth-client.ts";

// Sign-in attempts are limited as Mastodon's rack-attack limits them
// (throttle_login_attempts/ip: 25 per 5 minutes; /email: 25 per hour per
// login): every attempt at the authorization form counts, right or wrong,
// and the token endpoint has a counter of its own. The 26th gets 429 with
// Mastodon's {"error": "Too many requests"} and X-RateLimit-* headers, and
// nothing happens. Windows are a day long here so a test never straddles one.

const PASSWORD = "correct horse battery";
const DAY = "25/86400";

let kith: InProcess;
let app: App;

type Peer = { ip?: string; forwardedFor?: string };

/** A request as it reaches Kith: from `ip` (loopback, a trusted proxy, by default), maybe forwarding for someone. */
async function send(method: "GET" | "POST", url: string, peer: Peer, options: { form?: Record<string, string>; cookies?: CookieJar } = {}) {
  const headers: Record<string, string> = {};
  if (peer.forwardedFor) headers["x-forwarded-for"] = peer.forwardedFor;
  if (options.form) headers["content-type"] = "application/x-www-form-urlencoded";
  const cookie = options.cookies?.header();
  if (cookie) headers.cookie = cookie;
  const res = await kith.app!.inject({
    method,
    url,
    remoteAddress: peer.ip ?? "127.0.0.1",
    headers,
    payload: options.form ? new URLSearchParams(options.form).toString() : undefined,
  });
  options.cookies?.store(res.headers["set-cookie"]);
  return res;
}

const query = () => new URLSearchParams({ response_type: "code", client_id: app.client_id, redirect_uri: app.redirect_uri, scope: "read" });

/** A browser at the authorization page: its cookies and the form's hidden fields. */
async function browser(peer: Peer, cookies = new CookieJar()) {
  const page = await send("GET", `/oauth/authorize?${query()}`, peer, { cookies });
  expect(page.statusCode).toBe(200);
  return { cookies, fields: hiddenFields(page.body) };
}

async function signIn(peer: Peer, login: string, password: string, form?: Awaited<ReturnType<typeof browser>>) {
  const { cookies, fields } = form ?? (await browser(peer));
  return send("POST", "/oauth/authorize", peer, { form: { ...fields, decision: "approve", login, password }, cookies });
}

const sessionSet = (res: { headers: Record<string, unknown> }) => String(res.headers["set-cookie"] ?? "").includes("kith_session=");

beforeAll(async () => {
  kith = await startInProcess("oauth_rate_limit", {
    KITH_RATE_LIMITS: "on",
    KITH_RATE_LIMIT_API: "off",
    KITH_RATE_LIMIT_SIGN_INS: DAY,
    KITH_RATE_LIMIT_SIGN_INS_PER_LOGIN: DAY,
  });
  app = await registerApp(kith, "read");
  for (const name of ["alice", "bob", "carol", "dave"]) {
    const account = await kith.core.accounts.createLocal(name);
    await kith.core.signIn.setPassword(account.id, PASSWORD);
  }
}, 60_000);

afterAll(async () => kith?.destroy());

describe("sign-in attempts per IP address", () => {
  it("refuses the 26th with 429, even with the right password, and signs nobody in", async () => {
    const peer = { forwardedFor: "203.0.113.10" };
    const form = await browser(peer);
    const remaining: string[] = [];
    for (let i = 1; i <= 25; i++) {
      // A new login each time, so only the per-IP counter fills up.
      const res = await signIn(peer, `nobody${i}`, "wrong password", form);
      expect(res.statusCode).toBe(401);
      expect(res.headers["x-ratelimit-limit"]).toBe("25");
      remaining.push(String(res.headers["x-ratelimit-remaining"]));
    }
    expect(remaining.slice(0, 3)).toEqual(["24", "23", "22"]);
    expect(remaining.at(-1)).toBe("0");

    const codes = await count(kith, "AuthorizationCode");
    const refused = await signIn(peer, "alice", PASSWORD, form);
    expect(refused.statusCode).toBe(429);
    expect(JSON.parse(refused.body)).toEqual({ error: "Too many requests" });
    expect(refused.headers["x-ratelimit-limit"]).toBe("25");
    expect(refused.headers["x-ratelimit-remaining"]).toBe("0");
    expect(new Date(String(refused.headers["x-ratelimit-reset"])).getTime()).toBeGreaterThan(Date.now());
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    expect(refused.headers.location).toBeUndefined();
    expect(sessionSet(refused)).toBe(false);
    expect(await count(kith, "AuthorizationCode")).toBe(codes);
  });

  it("leaves other addresses alone", async () => {
    const exhausted = { forwardedFor: "203.0.113.20" };
    const form = await browser(exhausted);
    for (let i = 1; i <= 25; i++) await signIn(exhausted, `someone${i}`, "wrong password", form);
    expect((await signIn(exhausted, "alice", PASSWORD, form)).statusCode).toBe(429);

    const other = await signIn({ forwardedFor: "203.0.113.21" }, "bob", PASSWORD);
    expect(other.statusCode).toBe(303);
    expect(new URL(String(other.headers.location)).searchParams.get("code")).toBeTruthy();
    expect(other.headers["x-ratelimit-remaining"]).toBe("24");
  });

  it("counts a correct sign-in as an attempt, but not an approval by a browser already signed in", async () => {
    const peer = { forwardedFor: "203.0.113.30" };
    const form = await browser(peer);
    const first = await signIn(peer, "dave", PASSWORD, form);
    expect(first.statusCode).toBe(303);
    expect(first.headers["x-ratelimit-remaining"]).toBe("24");
    // Signed in: the next authorizations post no password and are not sign-in attempts.
    for (let i = 0; i < 30; i++) {
      const again = await browser(peer, form.cookies);
      const res = await send("POST", "/oauth/authorize", peer, { form: { ...again.fields, decision: "approve" }, cookies: form.cookies });
      expect(res.statusCode).toBe(303);
      expect(res.headers["x-ratelimit-limit"]).toBeUndefined();
    }
    const wrong = await signIn(peer, "dave", "wrong password", form);
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers["x-ratelimit-remaining"]).toBe("23");
  });

  it("takes the address from X-Forwarded-For only when a trusted proxy sends it", async () => {
    const untrusted = "192.0.2.60";
    const codes: number[] = [];
    for (let i = 1; i <= 26; i++) codes.push((await signIn({ ip: untrusted, forwardedFor: `198.51.100.${i}` }, `spoof${i}`, "wrong password")).statusCode);
    expect(codes.slice(0, 25).every((c) => c === 401)).toBe(true);
    expect(codes[25]).toBe(429);
    // Through the trusted proxy, those forwarded addresses are clients with budgets of their own.
    expect((await signIn({ forwardedFor: "198.51.100.1" }, "alice", PASSWORD)).statusCode).toBe(303);
  });
});

describe("sign-in attempts per login", () => {
  it("refuses the 26th attempt on one login from anywhere, while other logins still sign in", async () => {
    const results: number[] = [];
    for (let i = 1; i <= 25; i++) results.push((await signIn({ forwardedFor: `203.0.113.${100 + i}` }, i % 2 ? "Carol" : " carol ", "wrong password")).statusCode);
    expect(results.every((c) => c === 401)).toBe(true);
    const fresh = { forwardedFor: "203.0.113.200" };
    const refused = await signIn(fresh, "carol", PASSWORD);
    expect(refused.statusCode).toBe(429);
    expect(sessionSet(refused)).toBe(false);
    expect((await signIn(fresh, "alice", PASSWORD)).statusCode).toBe(303);
  });
});

describe("the token endpoint", () => {
  it("refuses the 26th request from one address without issuing a token; other addresses go on", async () => {
    const peer = { forwardedFor: "203.0.113.40" };
    const grant = (secret: string, from: Peer) =>
      send("POST", "/oauth/token", from, { form: { grant_type: "client_credentials", client_id: app.client_id, client_secret: secret } });
    for (let i = 1; i <= 25; i++) {
      const res = await grant(`guess-${i}`, peer);
      expect(res.statusCode).toBe(401);
      expect(JSON.parse(res.body).error).toBe("invalid_client");
    }
    const tokens = await count(kith, "AccessToken");
    const refused = await grant(app.client_secret, peer);
    expect(refused.statusCode).toBe(429);
    expect(JSON.parse(refused.body)).toEqual({ error: "Too many requests" });
    expect(refused.headers["x-ratelimit-remaining"]).toBe("0");
    expect(await count(kith, "AccessToken")).toBe(tokens);

    const other = await grant(app.client_secret, { forwardedFor: "203.0.113.41" });
    expect(other.statusCode).toBe(200);
    expect(JSON.parse(other.body).access_token).toBeTruthy();
  });

  it("is counted apart from the sign-in form", async () => {
    const peer = { forwardedFor: "203.0.113.50" };
    for (let i = 1; i <= 25; i++) await send("POST", "/oauth/token", peer, { form: { grant_type: "client_credentials", client_id: app.client_id, client_secret: "nope" } });
    expect((await signIn(peer, "alice", PASSWORD)).statusCode).toBe(303);
  });
});

describe("configuration", () => {
  const base = testEnv("kith_config_check", 3000);

  it("defaults to Mastodon's numbers, and each limit can be turned off", () => {
    const config = loadConfig(base);
    expect(config.rateLimits.signIns).toEqual({ max: 25, windowSeconds: 300 });
    expect(config.rateLimits.signInsPerLogin).toEqual({ max: 25, windowSeconds: 3600 });
    const off = loadConfig({ ...base, KITH_RATE_LIMIT_SIGN_INS: "off", KITH_RATE_LIMIT_SIGN_INS_PER_LOGIN: "off" });
    expect(off.rateLimits.signIns).toBeNull();
    expect(off.rateLimits.signInsPerLogin).toBeNull();
  });

  it.each([
    ["KITH_RATE_LIMIT_SIGN_INS", "25"],
    ["KITH_RATE_LIMIT_SIGN_INS_PER_LOGIN", "many/3600"],
  ])("refuses %s=%s, naming the variable", (name, value) => {
    expect(() => loadConfig({ ...base, [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, [name]: value })).toThrow(new RegExp(name));
  });
});
