import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localUser, startInProcess, type InProcess } from "./helpers/in-process.ts";

// Cross-origin access as Mastodon grants it: which paths a page from another
// origin may call, with which methods and headers, and which it may not (the
// authorization page and the HTML pages). tests/cors-browser.test.ts checks
// the same rules in a real browser.

const APP_ORIGIN = "https://app.example";
const APP_HEADERS = "authorization,content-type,idempotency-key";
const API_LIMIT = 3;
const EXPOSED = "Link, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, X-Request-Id";

let kith: InProcess;
let token: string;
let address = 0;

beforeAll(async () => {
  kith = await startInProcess("cors", { KITH_RATE_LIMITS: "on", KITH_RATE_LIMIT_API: `${API_LIMIT}/86400` });
  ({ token } = await localUser(kith, "alice"));
}, 60_000);

afterAll(async () => kith?.destroy());

type Call = { method?: "GET" | "POST" | "OPTIONS"; headers?: Record<string, string>; body?: unknown; from?: string };

/** A request from the app's origin; each comes from its own address, so the API limit is reached only where a test means to. */
function call(url: string, { method = "GET", headers = {}, body, from = `10.1.${address >> 8}.${address++ & 255}` }: Call = {}) {
  return kith.app!.inject({
    method,
    url,
    remoteAddress: from,
    headers: { origin: APP_ORIGIN, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    payload: body === undefined ? undefined : JSON.stringify(body),
  });
}

const preflight = (url: string, method: string, from?: string) =>
  call(url, { method: "OPTIONS", from, headers: { "access-control-request-method": method, "access-control-request-headers": APP_HEADERS } });

const corsHeaders = (res: LightMyRequestResponse) => Object.fromEntries(Object.entries(res.headers).filter(([name]) => name.startsWith("access-control-")));

const ACTIVITY_JSON = { accept: "application/activity+json" };
const HTML = { accept: "text/html,application/xhtml+xml" };

describe.each([
  { family: "the client API", path: "/api/v1/statuses", method: "POST", methods: "GET, POST, PUT, DELETE, PATCH, OPTIONS", exposed: EXPOSED },
  { family: "the token endpoint", path: "/oauth/token", method: "POST", methods: "POST" },
  { family: "token revocation", path: "/oauth/revoke", method: "POST", methods: "POST" },
  { family: "well-known documents", path: "/.well-known/webfinger", method: "GET", methods: "GET" },
  { family: "NodeInfo", path: "/nodeinfo/2.1", method: "GET", methods: "GET" },
  { family: "an actor", path: "/users/alice", method: "GET", methods: "GET" },
  { family: "an actor's short URL", path: "/@alice", method: "GET", methods: "GET" },
])("a preflight for $family", ({ path, method, methods, exposed }) => {
  it("is answered with the methods allowed there and the headers apps send, for any origin and without credentials", async () => {
    const res = await preflight(path, method);
    expect(res.statusCode).toBe(204);
    expect(corsHeaders(res)).toEqual({
      "access-control-allow-origin": "*",
      "access-control-allow-methods": methods,
      "access-control-allow-headers": APP_HEADERS,
      "access-control-max-age": "7200",
      ...(exposed ? { "access-control-expose-headers": exposed } : {}),
    });
  });
});

describe("actual responses", () => {
  it("the client API: any origin may read answers, errors included, and the headers apps page and pace themselves with", async () => {
    for (const res of [
      await call("/api/v1/accounts/verify_credentials", { headers: { authorization: `Bearer ${token}` } }),
      await call("/api/v1/accounts/verify_credentials"),
      await call("/api/v1/statuses", { method: "POST", body: { status: "hello" }, headers: { authorization: `Bearer ${token}`, "idempotency-key": "k1" } }),
    ]) {
      expect(corsHeaders(res)).toEqual({ "access-control-allow-origin": "*", "access-control-expose-headers": EXPOSED });
    }
  });

  it("the token endpoints answer any origin", async () => {
    for (const path of ["/oauth/token", "/oauth/revoke"]) {
      const res = await call(path, { method: "POST", body: { grant_type: "client_credentials", client_id: "nobody", client_secret: "nothing" } });
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(corsHeaders(res)).toEqual({ "access-control-allow-origin": "*" });
    }
  });

  it.each(["/.well-known/webfinger?resource=acct:alice@127.0.0.1", "/.well-known/nodeinfo", "/.well-known/host-meta", "/.well-known/oauth-authorization-server", "/nodeinfo/2.1"])(
    "discovery: %s answers any origin",
    async (path) => {
      const res = await call(path.replace("127.0.0.1", kith.core.config.domain));
      expect(res.statusCode).toBe(200);
      expect(corsHeaders(res)).toEqual({ "access-control-allow-origin": "*" });
    },
  );

  it("an actor answers any origin in its ActivityPub form", async () => {
    const res = await call("/users/alice", { headers: ACTIVITY_JSON });
    expect(res.headers["content-type"]).toMatch(/^application\/activity\+json/);
    expect(corsHeaders(res)).toEqual({ "access-control-allow-origin": "*" });
  });
});

describe("what stays same-origin", () => {
  it.each(["/oauth/authorize", "/about"])("a preflight for %s is not answered", async (path) => {
    const res = await preflight(path, "POST");
    expect(res.statusCode).toBe(404);
    expect(corsHeaders(res)).toEqual({});
  });

  it("the authorization page, shown or posted to", async () => {
    const { body: app } = await call("/api/v1/apps", { method: "POST", body: { client_name: "Elsewhere", redirect_uris: "urn:ietf:wg:oauth:2.0:oob" } }).then((r) => ({ body: r.json() }));
    const shown = await call(`/oauth/authorize?response_type=code&client_id=${app.client_id}&redirect_uri=urn:ietf:wg:oauth:2.0:oob`, { headers: HTML });
    expect(shown.statusCode).toBe(200);
    expect(shown.headers["content-type"]).toMatch(/^text\/html/);
    expect(corsHeaders(shown)).toEqual({});
    const posted = await call("/oauth/authorize", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(corsHeaders(posted)).toEqual({});
  });

  it.each(["/about", "/users/alice", "/@alice"])("the HTML page at %s", async (path) => {
    const res = await call(path, { headers: HTML });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    expect(corsHeaders(res)).toEqual({});
  });
});

describe("with the API's rate limit", () => {
  it("preflights are not counted, and the 429 that ends the budget can be read by the app", async () => {
    const from = "10.200.0.1";
    for (let i = 0; i < API_LIMIT + 2; i++) expect((await preflight("/api/v1/instance", "GET", from)).statusCode).toBe(204);
    const first = await call("/api/v1/instance", { from });
    expect(first.headers["x-ratelimit-remaining"]).toBe(String(API_LIMIT - 1));
    for (let i = 1; i < API_LIMIT; i++) await call("/api/v1/instance", { from });
    const refused = await call("/api/v1/instance", { from });
    expect(refused.statusCode).toBe(429);
    expect(corsHeaders(refused)).toEqual({ "access-control-allow-origin": "*", "access-control-expose-headers": EXPOSED });
  });
});
