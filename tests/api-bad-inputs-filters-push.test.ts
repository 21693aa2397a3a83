import { createECDH, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, it } from "vitest";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";
import { named, refusals, type Refusal, type Scoped, type World } from "./helpers/refusals.ts";
import { clientOf } from "./helpers/timeline-client.ts";

// Bad inputs to the filter endpoints (v1 and v2) and to the Web Push
// subscription: a missing scope (403), an unknown id (404), invalid
// parameters (422), each in Mastodon's shape and changing nothing.

let kith: InProcess;
const world: World = { ids: {}, tokens: {}, ownerId: 0n };
let r: ReturnType<typeof refusals>;

const FILTERS = ["/api/v2/filters", "/api/v1/filters"];
const PUSH = ["/api/v1/push/subscription"];
const subscription = () => ({
  endpoint: "https://push.example/send/abc",
  keys: { p256dh: createECDH("prime256v1").generateKeys().toString("base64url"), auth: randomBytes(16).toString("base64url") },
});

beforeAll(async () => {
  kith = await startInProcess("bad_inputs_filters");
  const call = clientOf(kith);
  const [alice, bob] = await Promise.all(["alice", "bob"].map((name) => kith.core.accounts.createLocal(name)));
  const owner = await kith.core.tokens.issue(alice!.id, ["read", "write", "follow", "push"]);
  const ok = async (method: string, url: string, body?: unknown, token = owner) => {
    const res = await call(method, url, { token, body });
    if (res.status !== 200) throw new Error(`${method} ${url}: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const bobStatus = await ok("POST", "/api/v1/statuses", { status: "spoilers ahead" }, await kith.core.tokens.issue(bob!.id));
  const filter = await ok("POST", "/api/v2/filters", { title: "Spoilers", context: ["home"], keywords_attributes: [{ keyword: "finale" }] });
  const statusFilter = await ok("POST", `/api/v2/filters/${filter.id}/statuses`, { status_id: bobStatus.id });
  const v1 = await ok("POST", "/api/v1/filters", { phrase: "election", context: ["public"] });
  await ok("POST", "/api/v1/push/subscription", { subscription: subscription(), data: { alerts: { mention: true } } });
  Object.assign(world, {
    ownerId: alice!.id,
    ids: { filter: filter.id, keyword: filter.keywords[0].id, statusFilter: statusFilter.id, v1: v1.id, bobStatus: bobStatus.id },
    tokens: { owner, bob: await kith.core.tokens.issue(bob!.id, ["read", "write", "push"]) },
  });
  r = refusals(kith, world);
}, 60_000);

afterAll(async () => kith?.destroy());

const read = (url: string): Scoped => ({ method: "GET", url, scope: "read:filters" });
const write = (method: string, url: string, body?: unknown): Scoped => ({ method, url, body, scope: "write:filters", readBack: FILTERS });
const scoped: Scoped[] = [
  read("/api/v2/filters"),
  write("POST", "/api/v2/filters", { title: "New", context: ["home"] }),
  read("/api/v2/filters/{filter}"),
  write("PUT", "/api/v2/filters/{filter}", { title: "Renamed" }),
  write("DELETE", "/api/v2/filters/{filter}"),
  read("/api/v2/filters/{filter}/keywords"),
  write("POST", "/api/v2/filters/{filter}/keywords", { keyword: "ending" }),
  read("/api/v2/filters/keywords/{keyword}"),
  write("PUT", "/api/v2/filters/keywords/{keyword}", { keyword: "changed" }),
  write("DELETE", "/api/v2/filters/keywords/{keyword}"),
  read("/api/v2/filters/{filter}/statuses"),
  write("POST", "/api/v2/filters/{filter}/statuses", { status_id: "{bobStatus}" }),
  read("/api/v2/filters/statuses/{statusFilter}"),
  write("DELETE", "/api/v2/filters/statuses/{statusFilter}"),
  read("/api/v1/filters"),
  write("POST", "/api/v1/filters", { phrase: "new", context: ["home"] }),
  read("/api/v1/filters/{v1}"),
  write("PUT", "/api/v1/filters/{v1}", { phrase: "changed" }),
  write("DELETE", "/api/v1/filters/{v1}"),
  { method: "POST", url: "/api/v1/push/subscription", scope: "push", body: { subscription: subscription() }, readBack: PUSH },
  // A token with only the push scope is a new token: it has no subscription yet.
  { method: "GET", url: "/api/v1/push/subscription", scope: "push", readBack: PUSH, withOnlyThatScope: 404 },
  { method: "PUT", url: "/api/v1/push/subscription", scope: "push", body: { data: { alerts: { mention: false } } }, readBack: PUSH },
  { method: "DELETE", url: "/api/v1/push/subscription", scope: "push", readBack: PUSH },
];

describe("403 without the scope the endpoint needs, and nothing changes", () => {
  it.each(named(scoped, (c) => `needs ${c.scope}`))("%s", async (_, c) => r.expectScopeNeeded(c));
});

const NOT_FOUND = /^(Record|Filter|Keyword|Status filter|Status) not found$/;
const byId: [string, string, unknown?][] = [
  ["GET", "/api/v2/filters/:id"],
  ["PUT", "/api/v2/filters/:id", { title: "x" }],
  ["DELETE", "/api/v2/filters/:id"],
  ["GET", "/api/v2/filters/:id/keywords"],
  ["POST", "/api/v2/filters/:id/keywords", { keyword: "x" }],
  ["GET", "/api/v2/filters/:id/statuses"],
  ["POST", "/api/v2/filters/:id/statuses", { status_id: "{bobStatus}" }],
  ["GET", "/api/v2/filters/keywords/:id"],
  ["PUT", "/api/v2/filters/keywords/:id", { keyword: "x" }],
  ["DELETE", "/api/v2/filters/keywords/:id"],
  ["GET", "/api/v2/filters/statuses/:id"],
  ["DELETE", "/api/v2/filters/statuses/:id"],
  ["GET", "/api/v1/filters/:id"],
  ["PUT", "/api/v1/filters/:id", { phrase: "x" }],
  ["DELETE", "/api/v1/filters/:id"],
];
const ids: Record<string, string> = { "/api/v2/filters/:id": "filter", "/api/v2/filters/keywords/:id": "keyword", "/api/v2/filters/statuses/:id": "statusFilter", "/api/v1/filters/:id": "v1" };
const ownId = (path: string) => ids[path.replace(/\/(keywords|statuses)$/, "")] ?? ids[path]!;
const unknownIds: Refusal[] = byId.flatMap(([method, path, body]) =>
  ["99999999999", "abc", `{${ownId(path)}}`].map((id) => ({
    method,
    url: path.replace(":id", id),
    body,
    // Alice's own ids, asked for by bob, are as unknown to him as ids that do not exist.
    as: id.startsWith("{") ? "bob" : "owner",
    status: 404,
    error: NOT_FOUND,
    readBack: method === "GET" ? undefined : FILTERS,
  })),
);
const missing: Refusal[] = [
  { method: "POST", url: "/api/v2/filters/{filter}/statuses", body: { status_id: "99999999999" }, status: 404, error: NOT_FOUND, readBack: FILTERS },
  // A subscription belongs to its access token: bob's token has none.
  { method: "GET", url: "/api/v1/push/subscription", as: "bob", status: 404, error: NOT_FOUND, readBack: PUSH },
  { method: "PUT", url: "/api/v1/push/subscription", as: "bob", body: { data: { alerts: { mention: false } } }, status: 404, error: NOT_FOUND, readBack: PUSH },
];

describe("404 for an id that is unknown, malformed or someone else's, and nothing changes", () => {
  it.each(named([...unknownIds, ...missing], (c) => `as ${c.as ?? "owner"}`))("%s", async (_, c) => r.expectRefused(c));
});

const invalid = (method: string, url: string, body: unknown, error: RegExp): Refusal => ({ method, url, body, error, status: 422, readBack: url.includes("push") ? PUSH : FILTERS });
const invalidParams: Refusal[] = [
  invalid("POST", "/api/v2/filters", { title: " ", context: ["home"] }, /Title can't be blank/),
  invalid("POST", "/api/v2/filters", { title: "x", context: ["nowhere"] }, /context/),
  invalid("POST", "/api/v2/filters", { title: "x", context: ["home"], filter_action: "explode" }, /filter_action/),
  invalid("POST", "/api/v2/filters", { title: "x", context: ["home"], expires_in: -1 }, /expires_in must be positive/),
  invalid("PUT", "/api/v2/filters/{filter}", { context: [] }, /Context can't be blank/),
  invalid("PUT", "/api/v2/filters/{filter}", { keywords_attributes: [{ whole_word: false }] }, /Keyword can't be blank/),
  invalid("POST", "/api/v2/filters/{filter}/keywords", { keyword: " " }, /Keyword can't be blank/),
  invalid("PUT", "/api/v2/filters/keywords/{keyword}", { whole_word: ["perhaps"] }, /whole_word: must be true or false/),
  invalid("POST", "/api/v2/filters/{filter}/statuses", { status_id: "x" }, /status_id must be a numeric id/),
  invalid("POST", "/api/v2/filters/{filter}/statuses", { status_id: "{bobStatus}" }, /already|taken|Duplicate/i),
  invalid("POST", "/api/v1/filters", { phrase: " ", context: ["home"] }, /Phrase can't be blank/),
  invalid("POST", "/api/v1/filters", { phrase: "x", context: "home", irreversible: ["perhaps"] }, /irreversible: must be true or false/),
  invalid("PUT", "/api/v1/filters/{v1}", { expires_in: "soon" }, /expires_in/),
  invalid("POST", "/api/v1/push/subscription", {}, /subscription is required/),
  invalid("POST", "/api/v1/push/subscription", { subscription: { ...subscription(), endpoint: "not a url" } }, /endpoint/),
  invalid("POST", "/api/v1/push/subscription", { subscription: { ...subscription(), keys: { p256dh: "abc", auth: "abc" } } }, /p256dh/),
  invalid("PUT", "/api/v1/push/subscription", { data: { policy: "everyone" } }, /policy must be one of/),
  invalid("PUT", "/api/v1/push/subscription", { data: { alerts: { mention: ["perhaps"] } } }, /must be true or false/),
];

describe("422 with a message for invalid parameters, and nothing changes", () => {
  it.each(named(invalidParams, (c) => JSON.stringify(c.body ?? "").slice(0, 60)))("%s", async (_, c) => r.expectRefused(c));
});
