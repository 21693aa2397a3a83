import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";
import { clientOf } from "./helpers/timeline-client.ts";
import { named, refusals, type Refusal, type Scoped, type World } from "./helpers/refusals.ts";

// Bad inputs to the account, relationship, list, tag, suggestion, marker and
// report endpoints: a missing scope (403), an unknown id (404), invalid
// parameters (422), each in Mastodon's shape and changing nothing.

let kith: InProcess;
const world: World = { ids: {}, tokens: {}, ownerId: 0n };
let r: ReturnType<typeof refusals>;

const REL = ["/api/v1/accounts/relationships?id[]={bob}&id[]={carol}&id[]={dave}&id[]={eve}"];
const ME = ["/api/v1/accounts/verify_credentials"];
const LISTS = ["/api/v1/lists", "/api/v1/lists/{list}/accounts"];
const REQUESTS = ["/api/v1/follow_requests"];
const MARKERS = ["/api/v1/markers?timeline[]=home&timeline[]=notifications"];

beforeAll(async () => {
  kith = await startInProcess("bad_inputs_accounts");
  const alice = await kith.core.accounts.createLocal("alice", { locked: true });
  const [bob, carol, dave, eve] = await Promise.all(["bob", "carol", "dave", "eve"].map((name) => kith.core.accounts.createLocal(name)));
  await kith.core.follows.follow(alice.id, carol!.id);
  await kith.core.follows.follow(bob!.id, alice.id);
  await kith.core.follows.authorize(alice.id, bob!.id);
  await kith.core.follows.follow(dave!.id, alice.id);
  await kith.core.accountNotes.set(alice.id, bob!.id, "met at the fair");
  await kith.core.mutes.mute(alice.id, carol!.id, { notifications: true, durationSeconds: 0 });
  await kith.core.blocks.block(alice, eve!.id);
  await kith.core.accountDomainBlocks.block(alice.id, "spam.example");
  await kith.core.tagFollows.follow(alice.id, "dogs");
  await kith.core.markers.save(alice.id, { home: 1n });
  const list = await kith.core.lists.create(alice.id, { title: "Friends", repliesPolicy: "list", exclusive: false });
  await kith.core.lists.addMembers(alice.id, list.id, [carol!.id]);
  Object.assign(world, {
    ownerId: alice.id,
    ids: { alice: String(alice.id), bob: String(bob!.id), carol: String(carol!.id), dave: String(dave!.id), eve: String(eve!.id), list: String(list.id) },
    tokens: { owner: await kith.core.tokens.issue(alice.id), bob: await kith.core.tokens.issue(bob!.id) },
  });
  r = refusals(kith, world);
}, 60_000);

afterAll(async () => kith?.destroy());

const scoped: Scoped[] = [
  { method: "GET", url: "/api/v1/accounts/verify_credentials", scope: "read:accounts or profile" },
  { method: "PATCH", url: "/api/v1/accounts/update_credentials", scope: "write:accounts", body: { display_name: "Changed" }, readBack: ME },
  { method: "GET", url: "/api/v1/accounts?id[]={bob}", scope: "read:accounts" },
  { method: "GET", url: "/api/v1/accounts/{bob}", scope: "read:accounts" },
  { method: "GET", url: "/api/v1/accounts/lookup?acct=bob", scope: "read:accounts" },
  { method: "GET", url: "/api/v1/accounts/relationships?id[]={bob}", scope: "read:follows" },
  { method: "GET", url: "/api/v1/accounts/search?q=bob", scope: "read:accounts" },
  { method: "GET", url: "/api/v1/accounts/familiar_followers?id[]={bob}", scope: "read:follows" },
  { method: "GET", url: "/api/v1/accounts/{bob}/statuses", scope: "read:statuses" },
  { method: "GET", url: "/api/v1/accounts/{bob}/followers", scope: "read:accounts" },
  { method: "GET", url: "/api/v1/accounts/{bob}/following", scope: "read:accounts" },
  { method: "POST", url: "/api/v1/accounts/{bob}/follow", scope: "write:follows", readBack: REL },
  { method: "POST", url: "/api/v1/accounts/{carol}/unfollow", scope: "write:follows", readBack: REL },
  { method: "POST", url: "/api/v1/accounts/{bob}/block", scope: "write:blocks", readBack: REL },
  { method: "POST", url: "/api/v1/accounts/{eve}/unblock", scope: "write:blocks", readBack: REL },
  { method: "POST", url: "/api/v1/accounts/{bob}/mute", scope: "write:mutes", readBack: REL },
  { method: "POST", url: "/api/v1/accounts/{carol}/unmute", scope: "write:mutes", readBack: REL },
  { method: "GET", url: "/api/v1/accounts/{carol}/lists", scope: "read:lists" },
  { method: "POST", url: "/api/v1/accounts/{bob}/note", scope: "write:accounts", body: { comment: "changed" }, readBack: REL },
  { method: "GET", url: "/api/v1/follow_requests", scope: "read:follows" },
  { method: "POST", url: "/api/v1/follow_requests/{dave}/authorize", scope: "write:follows", readBack: [...REQUESTS, ...REL] },
  { method: "POST", url: "/api/v1/follow_requests/{dave}/reject", scope: "write:follows", readBack: [...REQUESTS, ...REL] },
  { method: "GET", url: "/api/v1/blocks", scope: "read:blocks" },
  { method: "GET", url: "/api/v1/mutes", scope: "read:mutes" },
  { method: "GET", url: "/api/v1/endorsements", scope: "read:accounts" },
  { method: "GET", url: "/api/v1/domain_blocks", scope: "read:blocks" },
  { method: "POST", url: "/api/v1/domain_blocks", scope: "write:blocks", body: { domain: "other.example" }, readBack: ["/api/v1/domain_blocks"] },
  { method: "DELETE", url: "/api/v1/domain_blocks", scope: "write:blocks", body: { domain: "spam.example" }, readBack: ["/api/v1/domain_blocks"] },
  { method: "POST", url: "/api/v1/tags/cats/follow", scope: "write:follows", readBack: ["/api/v1/followed_tags"] },
  { method: "POST", url: "/api/v1/tags/dogs/unfollow", scope: "write:follows", readBack: ["/api/v1/followed_tags"] },
  { method: "GET", url: "/api/v1/followed_tags", scope: "read:follows" },
  { method: "GET", url: "/api/v1/suggestions", scope: "read:accounts" },
  { method: "GET", url: "/api/v2/suggestions", scope: "read:accounts" },
  { method: "DELETE", url: "/api/v1/suggestions/{bob}", scope: "write:accounts", readBack: ["/api/v2/suggestions"] },
  { method: "GET", url: "/api/v1/preferences", scope: "read:accounts" },
  { method: "GET", url: "/api/v1/announcements", scope: "read" },
  { method: "GET", url: "/api/v1/markers?timeline[]=home", scope: "read:statuses" },
  { method: "POST", url: "/api/v1/markers", scope: "write:statuses", body: { home: { last_read_id: "5" } }, readBack: MARKERS },
  { method: "GET", url: "/api/v1/lists", scope: "read:lists" },
  { method: "POST", url: "/api/v1/lists", scope: "write:lists", body: { title: "New" }, readBack: LISTS },
  { method: "GET", url: "/api/v1/lists/{list}", scope: "read:lists" },
  { method: "PUT", url: "/api/v1/lists/{list}", scope: "write:lists", body: { title: "Renamed" }, readBack: LISTS },
  { method: "DELETE", url: "/api/v1/lists/{list}", scope: "write:lists", readBack: LISTS },
  { method: "GET", url: "/api/v1/lists/{list}/accounts", scope: "read:lists" },
  { method: "POST", url: "/api/v1/lists/{list}/accounts", scope: "write:lists", body: { account_ids: ["{carol}"] }, readBack: LISTS },
  { method: "DELETE", url: "/api/v1/lists/{list}/accounts", scope: "write:lists", body: { account_ids: ["{carol}"] }, readBack: LISTS },
  { method: "GET", url: "/api/v1/timelines/list/{list}", scope: "read:lists" },
  { method: "POST", url: "/api/v1/reports", scope: "write:reports", body: { account_id: "{bob}", comment: "spam" } },
];

describe("403 without the scope the endpoint needs, and nothing changes", () => {
  it.each(named(scoped, (c) => `needs ${c.scope}`))("%s", async (_, c) => r.expectScopeNeeded(c));
});

describe("public endpoints that ask no scope", () => {
  it("GET /api/v1/tags/:name answers a token of any scope, as on Mastodon", async () => {
    const token = await kith.core.tokens.issue(world.ownerId, ["write:statuses"]);
    const res = await clientOf(kith)("GET", "/api/v1/tags/dogs", { token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: "dogs", following: true });
  });
});

const NOT_FOUND = /^(Record|Account|List|Tag|Follow request) not found$/;
const byId: [string, string, string[]?][] = [
  ["GET", "/api/v1/accounts/:id"],
  ["GET", "/api/v1/accounts/:id/statuses"],
  ["GET", "/api/v1/accounts/:id/followers"],
  ["GET", "/api/v1/accounts/:id/following"],
  ["GET", "/api/v1/accounts/:id/lists"],
  ["POST", "/api/v1/accounts/:id/follow", REL],
  ["POST", "/api/v1/accounts/:id/unfollow", REL],
  ["POST", "/api/v1/accounts/:id/block", REL],
  ["POST", "/api/v1/accounts/:id/unblock", REL],
  ["POST", "/api/v1/accounts/:id/mute", REL],
  ["POST", "/api/v1/accounts/:id/unmute", REL],
  ["POST", "/api/v1/accounts/:id/note", REL],
  ["POST", "/api/v1/follow_requests/:id/authorize", REQUESTS],
  ["POST", "/api/v1/follow_requests/:id/reject", REQUESTS],
  ["DELETE", "/api/v1/suggestions/:id", ["/api/v2/suggestions"]],
  ["GET", "/api/v1/lists/:id"],
  ["PUT", "/api/v1/lists/:id", LISTS],
  ["DELETE", "/api/v1/lists/:id", LISTS],
  ["GET", "/api/v1/lists/:id/accounts"],
  ["POST", "/api/v1/lists/:id/accounts", LISTS],
  ["DELETE", "/api/v1/lists/:id/accounts", LISTS],
  ["GET", "/api/v1/timelines/list/:id"],
];
const unknownIds: Refusal[] = byId.flatMap(([method, path, readBack]) =>
  ["99999999999", "abc"].map((id) => ({ method, url: path.replace(":id", id), status: 404, error: NOT_FOUND, readBack, body: path.includes("lists/:id") && method !== "GET" ? { title: "x", account_ids: ["{carol}"] } : undefined })),
);
const notMine: Refusal[] = [
  // Someone else's list is as unknown as a list that does not exist.
  ...["GET", "PUT", "DELETE"].map((method) => ({ method, url: "/api/v1/lists/{list}", as: "bob", status: 404, error: NOT_FOUND, body: method === "PUT" ? { title: "mine now" } : undefined, readBack: LISTS })),
  // There is no request from bob (he follows already) nor from carol: nothing to authorize or reject.
  ...["authorize", "reject"].flatMap((action) => ["bob", "carol"].map((who) => ({ method: "POST", url: `/api/v1/follow_requests/{${who}}/${action}`, status: 404, error: NOT_FOUND, readBack: [...REQUESTS, ...REL] }))),
  ...["GET", "POST"].flatMap((method) => ["no-dash", "1234"].map((tag) => ({ method, url: `/api/v1/tags/${tag}${method === "POST" ? "/follow" : ""}`, status: 404, error: NOT_FOUND, readBack: ["/api/v1/followed_tags"] }))),
  { method: "POST", url: "/api/v1/tags/no-dash/unfollow", status: 404, error: NOT_FOUND, readBack: ["/api/v1/followed_tags"] },
  { method: "POST", url: "/api/v1/reports", body: { account_id: "99999999999" }, status: 404, error: NOT_FOUND },
];

describe("404 for an id that is unknown, malformed or someone else's, and nothing changes", () => {
  it.each(named([...unknownIds, ...notMine], (c) => `as ${c.as ?? "owner"}`))("%s", async (_, c) => r.expectRefused(c));
});

const invalid = (method: string, url: string, body: unknown, error: RegExp, readBack?: string[]): Refusal => ({ method, url, body, error, readBack, status: 422 });
// A limit is never refused, and a boolean is refused only as a list or an object: both are
// read as Mastodon reads them (tests/api-params-mastodon.test.ts).
const invalidParams: Refusal[] = [
  invalid("PATCH", "/api/v1/accounts/update_credentials", { display_name: "x".repeat(31) }, /display_name is limited to 30 characters/, ME),
  invalid("PATCH", "/api/v1/accounts/update_credentials", { locked: ["perhaps"] }, /locked: must be true or false/, ME),
  invalid("PATCH", "/api/v1/accounts/update_credentials", { source: { privacy: "everyone" } }, /source\.privacy/, ME),
  invalid("GET", "/api/v1/accounts/lookup", undefined, /acct is required/),
  invalid("GET", "/api/v1/accounts/search?q=%20", undefined, /q is required/),
  invalid("GET", "/api/v1/accounts/{bob}/statuses?pinned[]=perhaps", undefined, /pinned: must be true or false/),
  invalid("GET", "/api/v1/accounts/{bob}/statuses?max_id=abc", undefined, /max_id: must be a numeric id/),
  invalid("GET", "/api/v1/accounts/{bob}/following?since_id=x", undefined, /since_id: must be a numeric id/),
  invalid("POST", "/api/v1/accounts/{bob}/follow", { reblogs: ["perhaps"] }, /reblogs: must be true or false/, REL),
  invalid("POST", "/api/v1/accounts/{alice}/follow", undefined, /yourself/, REL),
  invalid("POST", "/api/v1/accounts/{bob}/mute", { duration: -1 }, /duration must be 0 or more seconds/, REL),
  invalid("POST", "/api/v1/accounts/{bob}/mute", { notifications: ["perhaps"] }, /notifications: must be true or false/, REL),
  invalid("POST", "/api/v1/accounts/{alice}/mute", undefined, /yourself/, REL),
  invalid("POST", "/api/v1/accounts/{alice}/block", undefined, /yourself/, REL),
  invalid("POST", "/api/v1/accounts/{bob}/note", { comment: "x".repeat(2001) }, /2000 characters/, REL),
  invalid("GET", "/api/v1/blocks?max_id=x", undefined, /max_id: must be a numeric id/),
  invalid("POST", "/api/v1/domain_blocks", { domain: "not a domain" }, /not a valid domain/, ["/api/v1/domain_blocks"]),
  invalid("DELETE", "/api/v1/domain_blocks", {}, /domain is required/, ["/api/v1/domain_blocks"]),
  invalid("GET", "/api/v1/markers?timeline[]=public", undefined, /timeline|home|notifications/),
  invalid("POST", "/api/v1/markers", {}, /home or notifications is required/, MARKERS),
  invalid("POST", "/api/v1/markers", { notifications: { last_read_id: "abc" } }, /last_read_id must be a numeric id/, MARKERS),
  invalid("POST", "/api/v1/lists", { title: " " }, /Title can't be blank/, LISTS),
  invalid("POST", "/api/v1/lists", { title: "x", exclusive: ["perhaps"] }, /exclusive: must be true or false/, LISTS),
  invalid("PUT", "/api/v1/lists/{list}", { replies_policy: "everyone" }, /replies_policy/, LISTS),
  invalid("POST", "/api/v1/lists/{list}/accounts", {}, /account/, LISTS),
  invalid("POST", "/api/v1/lists/{list}/accounts", { account_ids: ["{bob}"] }, /follow/, LISTS),
  invalid("GET", "/api/v1/timelines/list/{list}?max_id=x", undefined, /max_id: must be a numeric id/),
  invalid("POST", "/api/v1/reports", {}, /account_id/),
  invalid("POST", "/api/v1/reports", { account_id: "{bob}", category: "rude" }, /category must be one of/),
  invalid("POST", "/api/v1/reports", { account_id: "{bob}", forward: ["perhaps"] }, /forward: must be true or false/),
];

describe("422 with a message for invalid parameters, and nothing changes", () => {
  it.each(named(invalidParams, (c) => JSON.stringify(c.body ?? "")))("%s", async (_, c) => r.expectRefused(c));
});
