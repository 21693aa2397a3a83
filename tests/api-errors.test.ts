import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";

// Every bad input gets a clear error with the right status, in Mastodon's
// shape ({"error": "..."}), and changes nothing already stored.

let kith: InProcess;
let token: string;
let readOnly: string;
let otherToken: string;
let meId: string;

const call = (method: string, url: string, options: { token?: string | null; body?: unknown; raw?: string; type?: string } = {}) =>
  kith.app!.inject({
    method: method as "GET",
    url,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined || options.raw !== undefined ? { "content-type": options.type ?? "application/json" } : {}),
    },
    payload: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });

const statusesCount = async () => JSON.parse((await call("GET", "/api/v1/accounts/verify_credentials", { token })).body).statuses_count;

beforeAll(async () => {
  kith = await startInProcess("api_errors");
  const me = await kith.core.accounts.createLocal("erin");
  meId = String(me.id);
  token = await kith.core.tokens.issue(me.id);
  readOnly = await kith.core.tokens.issue(me.id, ["read"]);
  const other = await kith.core.accounts.createLocal("frank");
  otherToken = await kith.core.tokens.issue(other.id);
}, 60_000);

afterAll(async () => kith?.destroy());

describe("authentication and scopes", () => {
  it("401 without a token where one is required", async () => {
    const res = await call("GET", "/api/v1/accounts/verify_credentials");
    expect(res.statusCode).toBe(401);
    expect(JSON.parse(res.body)).toEqual({ error: "The access token is invalid" });
  });

  it("401 with an unknown token", async () => {
    expect((await call("GET", "/api/v1/timelines/home", { token: "nope" })).statusCode).toBe(401);
  });

  it("403 for a token without the scope, and nothing is posted", async () => {
    const res = await call("POST", "/api/v1/statuses", { token: readOnly, body: { status: "should not exist" } });
    expect(res.statusCode).toBe(403);
    expect(JSON.parse(res.body).error).toMatch(/scope/);
    expect(await statusesCount()).toBe(0);
  });

  it("a read token still reads", async () => {
    expect((await call("GET", "/api/v1/timelines/home", { token: readOnly })).statusCode).toBe(200);
  });
});

describe("bad ids", () => {
  it.each(["/api/v1/accounts/abc", "/api/v1/accounts/999999999", "/api/v1/statuses/12x", "/api/v1/statuses/99999999999"])("404 for %s", async (url) => {
    const res = await call("GET", url, { token });
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.body).error).toMatch(/not found/);
  });

  it("404 when replying to a status that does not exist, and nothing is posted", async () => {
    const res = await call("POST", "/api/v1/statuses", { token, body: { status: "reply", in_reply_to_id: "123456789" } });
    expect(res.statusCode).toBe(404);
    expect(await statusesCount()).toBe(0);
  });

  it("404 when deleting someone else's status, which stays", async () => {
    const mine = JSON.parse((await call("POST", "/api/v1/statuses", { token, body: { status: "mine" } })).body);
    const res = await call("DELETE", `/api/v1/statuses/${mine.id}`, { token: otherToken });
    expect(res.statusCode).toBe(404);
    expect((await call("GET", `/api/v1/statuses/${mine.id}`, { token })).statusCode).toBe(200);
    await call("DELETE", `/api/v1/statuses/${mine.id}`, { token });
  });
});

describe("invalid parameters", () => {
  it.each([
    [{ status: "" }, /blank/],
    [{ status: "x".repeat(501) }, /character limit/],
    [{ status: "hi", visibility: "everyone" }, /visibility/],
    [{ status: "hi", language: "not a language" }, /language/],
  ])("422 for %j, and nothing is posted", async (body, message) => {
    const res = await call("POST", "/api/v1/statuses", { token, body });
    expect(res.statusCode).toBe(422);
    expect(JSON.parse(res.body).error).toMatch(message);
    expect(await statusesCount()).toBe(0);
  });

  it("400 for a body that is not JSON", async () => {
    const res = await call("POST", "/api/v1/statuses", { token, raw: "{nope" });
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).error).toMatch(/JSON/);
  });

  it("accepts form-encoded bodies as Mastodon apps send them", async () => {
    const res = await call("POST", "/api/v1/statuses", { token, raw: "status=from+a+form&visibility=unlisted", type: "application/x-www-form-urlencoded" });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ visibility: "unlisted", content: "<p>from a form</p>" });
  });

  it("422 for lookup without acct", async () => {
    expect((await call("GET", "/api/v1/accounts/lookup")).statusCode).toBe(422);
  });

  it("422 for following oneself", async () => {
    const res = await call("POST", `/api/v1/accounts/${meId}/follow`, { token });
    expect(res.statusCode).toBe(422);
    expect(JSON.parse(res.body).error).toMatch(/yourself/);
  });

  it("404 for authorizing a follow request that does not exist, as on Mastodon", async () => {
    const other = JSON.parse((await call("GET", "/api/v1/accounts/lookup?acct=frank")).body);
    expect((await call("POST", `/api/v1/follow_requests/${other.id}/authorize`, { token })).statusCode).toBe(404);
  });

  it("422 for a bad pagination id", async () => {
    expect((await call("GET", "/api/v1/timelines/public?max_id=abc")).statusCode).toBe(422);
  });

  it("404 as JSON for an unknown API path", async () => {
    const res = await call("GET", "/api/v1/nope", { token });
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.body).error).toBeTruthy();
  });
});

describe("lookups are exact", () => {
  it("an underscore or percent in a handle is not a wildcard", async () => {
    await kith.core.accounts.createLocal("bob");
    expect((await call("GET", "/api/v1/accounts/lookup?acct=b_b")).statusCode).toBe(404);
    expect((await call("GET", "/api/v1/accounts/lookup?acct=b%25")).statusCode).toBe(404);
    expect(JSON.parse((await call("GET", "/api/v1/accounts/lookup?acct=BOB")).body).username).toBe("bob");
  });
});
