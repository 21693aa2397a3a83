import { afterAll, beforeAll, describe, it } from "vitest";
import { client, mediaEnv } from "./helpers/client.ts";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";
import { allScopesBut, named, refusals, type Refusal, type Scoped, type World } from "./helpers/refusals.ts";
import { waitFor } from "./helpers/wait.ts";

// Bad inputs to the status, poll, media, scheduled status, timeline,
// conversation, search and notification endpoints: a missing scope (403), an
// unknown id (404), invalid parameters (422), each in Mastodon's shape and
// changing nothing.

let kith: InProcess;
const world: World = { ids: {}, tokens: {}, ownerId: 0n };
let r: ReturnType<typeof refusals>;

const STATUS = ["/api/v1/statuses/{status}", "/api/v1/statuses/{bobStatus}", "/api/v1/accounts/{alice}/statuses?limit=40"];
const MEDIA = ["/api/v1/media/{media}"];
const SCHEDULED = ["/api/v1/scheduled_statuses"];
const POLL = ["/api/v1/polls/{poll}"];
const CONVERSATIONS = ["/api/v1/conversations"];
const NOTIFICATIONS = ["/api/v1/notifications", "/api/v2/notifications"];

beforeAll(async () => {
  kith = await startInProcess("bad_inputs_statuses", mediaEnv());
  const api = client(kith);
  const [alice, bob] = await Promise.all(["alice", "bob"].map((name) => kith.core.accounts.createLocal(name)));
  const [aliceToken, bobToken] = await Promise.all([alice!, bob!].map((a) => kith.core.tokens.issue(a.id)));
  const post = async (token: string, body: object) => {
    const res = await api.call(token!, "POST", "/api/v1/statuses", body);
    if (res.status !== 200) throw new Error(JSON.stringify(res.body));
    return res.body;
  };
  const status = await post(aliceToken!, { status: "hello #cats" });
  const bobStatus = await post(bobToken!, { status: "bob says hi" });
  const hidden = await post(bobToken!, { status: "a note to self", visibility: "direct" });
  const bobPoll = await post(bobToken!, { status: "tea or coffee?", poll: { options: ["tea", "coffee"], expires_in: 3600 } });
  const scheduled = await post(aliceToken!, { status: "later", scheduled_at: new Date(Date.now() + 3_600_000).toISOString() });
  await post(aliceToken!, { status: "@bob just us", visibility: "direct" });
  for (const action of ["favourite", "bookmark", "reblog", "mute"]) await api.call(aliceToken!, "POST", `/api/v1/statuses/${bobStatus.id}/${action}`);
  await api.call(aliceToken!, "POST", `/api/v1/statuses/${status.id}/pin`);
  await api.call(bobToken!, "POST", `/api/v1/statuses/${status.id}/favourite`);
  const media = await api.upload(aliceToken!, "a picture");
  const [notification] = await waitFor(async () => (await api.call(aliceToken!, "GET", "/api/v2/notifications?types[]=favourite")).body.notification_groups, "a notification");
  const conversation = await waitFor(async () => (await api.call(aliceToken!, "GET", "/api/v1/conversations")).body[0], "a conversation");
  Object.assign(world, {
    ownerId: alice!.id,
    ids: {
      alice: String(alice!.id),
      status: status.id,
      bobStatus: bobStatus.id,
      hidden: hidden.id,
      poll: bobPoll.poll.id,
      media: media.id,
      scheduled: scheduled.id,
      notification: notification.most_recent_notification_id,
      group: notification.group_key,
      conversation: conversation.id,
    },
    tokens: { owner: aliceToken!, bob: bobToken!, cannotStream: await kith.core.tokens.issue(alice!.id, allScopesBut("read:statuses or read:notifications")) },
  });
  r = refusals(kith, world);
}, 60_000);

afterAll(async () => kith?.destroy());

const scoped: Scoped[] = [
  { method: "POST", url: "/api/v1/statuses", scope: "write:statuses", body: { status: "not allowed" }, readBack: STATUS },
  { method: "GET", url: "/api/v1/statuses?id[]={status}", scope: "read:statuses" },
  { method: "GET", url: "/api/v1/statuses/{status}", scope: "read:statuses" },
  { method: "PUT", url: "/api/v1/statuses/{status}", scope: "write:statuses", body: { status: "edited" }, readBack: STATUS },
  { method: "DELETE", url: "/api/v1/statuses/{status}", scope: "write:statuses", readBack: STATUS },
  { method: "GET", url: "/api/v1/statuses/{status}/history", scope: "read:statuses" },
  { method: "GET", url: "/api/v1/statuses/{status}/source", scope: "read:statuses" },
  { method: "GET", url: "/api/v1/statuses/{status}/context", scope: "read:statuses" },
  { method: "GET", url: "/api/v1/statuses/{status}/favourited_by", scope: "read:accounts" },
  { method: "GET", url: "/api/v1/statuses/{status}/reblogged_by", scope: "read:accounts" },
  ...["favourite", "unfavourite"].map((a) => ({ method: "POST", url: `/api/v1/statuses/{bobStatus}/${a}`, scope: "write:favourites", readBack: STATUS })),
  ...["reblog", "unreblog"].map((a) => ({ method: "POST", url: `/api/v1/statuses/{bobStatus}/${a}`, scope: "write:statuses", readBack: STATUS })),
  ...["bookmark", "unbookmark"].map((a) => ({ method: "POST", url: `/api/v1/statuses/{bobStatus}/${a}`, scope: "write:bookmarks", readBack: STATUS })),
  ...["pin", "unpin"].map((a) => ({ method: "POST", url: `/api/v1/statuses/{status}/${a}`, scope: "write:accounts", readBack: STATUS })),
  ...["mute", "unmute"].map((a) => ({ method: "POST", url: `/api/v1/statuses/{bobStatus}/${a}`, scope: "write:mutes", readBack: STATUS })),
  { method: "GET", url: "/api/v1/polls/{poll}", scope: "read:statuses" },
  { method: "POST", url: "/api/v1/polls/{poll}/votes", scope: "write:statuses", body: { choices: [0] }, readBack: POLL },
  { method: "POST", url: "/api/v1/media", scope: "write:media", body: { description: "no file either" } },
  { method: "POST", url: "/api/v2/media", scope: "write:media", body: { description: "no file either" } },
  { method: "GET", url: "/api/v1/media/{media}", scope: "write:media" },
  { method: "PUT", url: "/api/v1/media/{media}", scope: "write:media", body: { description: "changed" }, readBack: MEDIA },
  { method: "DELETE", url: "/api/v1/media/{media}", scope: "write:media", readBack: MEDIA },
  { method: "GET", url: "/api/v1/scheduled_statuses", scope: "read:statuses" },
  { method: "GET", url: "/api/v1/scheduled_statuses/{scheduled}", scope: "read:statuses" },
  { method: "PUT", url: "/api/v1/scheduled_statuses/{scheduled}", scope: "write:statuses", body: { scheduled_at: "2099-01-01T00:00:00Z" }, readBack: SCHEDULED },
  { method: "DELETE", url: "/api/v1/scheduled_statuses/{scheduled}", scope: "write:statuses", readBack: SCHEDULED },
  { method: "GET", url: "/api/v1/bookmarks", scope: "read:bookmarks" },
  { method: "GET", url: "/api/v1/favourites", scope: "read:favourites" },
  { method: "GET", url: "/api/v1/timelines/home", scope: "read:statuses" },
  { method: "GET", url: "/api/v1/timelines/public", scope: "read:statuses" },
  { method: "GET", url: "/api/v1/timelines/tag/cats", scope: "read:statuses" },
  { method: "GET", url: "/api/v1/conversations", scope: "read:statuses" },
  { method: "POST", url: "/api/v1/conversations/{conversation}/read", scope: "write:conversations", readBack: CONVERSATIONS },
  { method: "DELETE", url: "/api/v1/conversations/{conversation}", scope: "write:conversations", readBack: CONVERSATIONS },
  { method: "GET", url: "/api/v2/search?q=bob", scope: "read:search" },
  ...["/api/v1/notifications", "/api/v2/notifications", "/api/v1/notifications/requests", "/api/v1/notifications/{notification}", "/api/v2/notifications/{group}", "/api/v2/notifications/{group}/accounts"].map(
    (url) => ({ method: "GET", url, scope: "read:notifications" }),
  ),
  ...["v1", "v2"].flatMap((v) => ["unread_count", "policy"].map((what) => ({ method: "GET", url: `/api/${v}/notifications/${what}`, scope: "read:notifications" }))),
  { method: "POST", url: "/api/v1/notifications/{notification}/dismiss", scope: "write:notifications", readBack: NOTIFICATIONS },
  { method: "POST", url: "/api/v1/notifications/clear", scope: "write:notifications", readBack: NOTIFICATIONS },
  { method: "POST", url: "/api/v2/notifications/{group}/dismiss", scope: "write:notifications", readBack: NOTIFICATIONS },
];

describe("403 without the scope the endpoint needs, and nothing changes", () => {
  it.each(named(scoped, (c) => `needs ${c.scope}`))("%s", async (_, c) => r.expectScopeNeeded(c));
});

// The streaming API refuses before a stream opens; the WebSocket endpoint answers a plain GET the same way.
const streams: Refusal[] = ["", "/user", "/user/notification", "/public", "/public/local", "/public/remote", "/hashtag?tag=cats", "/hashtag/local?tag=cats", "/list?list=1", "/direct"].map(
  (path) => ({ method: "GET", url: `/api/v1/streaming${path}`, as: "cannotStream", status: 403, error: /^This action is outside the authorized scopes$/ }),
);

describe("403 from the streaming API to a token that may read neither statuses nor notifications", () => {
  it.each(named(streams))("%s", async (_, c) => r.expectRefused(c));
});

const NOT_FOUND = /^(Record|Status|Poll|Media|Scheduled status|Conversation|Notification|Notification group|Tag) not found$/;
const statusIds = ["", "/history", "/source", "/context", "/favourited_by", "/reblogged_by"].map((tail) => ["GET", `/api/v1/statuses/:id${tail}`]);
const statusActions = ["favourite", "unfavourite", "reblog", "unreblog", "bookmark", "unbookmark", "pin", "unpin", "mute", "unmute"].map((a) => ["POST", `/api/v1/statuses/:id/${a}`]);
const byId: [string, string, string[]?][] = [
  ...(statusIds as [string, string][]),
  ...statusActions.map(([m, u]) => [m, u, STATUS] as [string, string, string[]]),
  ["PUT", "/api/v1/statuses/:id", STATUS],
  ["DELETE", "/api/v1/statuses/:id", STATUS],
  ["GET", "/api/v1/polls/:id"],
  ["POST", "/api/v1/polls/:id/votes", POLL],
  ["GET", "/api/v1/media/:id"],
  ["PUT", "/api/v1/media/:id", MEDIA],
  ["DELETE", "/api/v1/media/:id", MEDIA],
  ["GET", "/api/v1/scheduled_statuses/:id"],
  ["PUT", "/api/v1/scheduled_statuses/:id", SCHEDULED],
  ["DELETE", "/api/v1/scheduled_statuses/:id", SCHEDULED],
  ["POST", "/api/v1/conversations/:id/read", CONVERSATIONS],
  ["DELETE", "/api/v1/conversations/:id", CONVERSATIONS],
  ["GET", "/api/v1/notifications/:id"],
  ["POST", "/api/v1/notifications/:id/dismiss", NOTIFICATIONS],
  ["GET", "/api/v2/notifications/:id"],
  ["GET", "/api/v2/notifications/:id/accounts"],
  ["POST", "/api/v2/notifications/:id/dismiss", NOTIFICATIONS],
];
// Valid bodies, so that only the id is wrong.
const bodies: Record<string, unknown> = {
  "PUT /api/v1/statuses/:id": { status: "edited" },
  "POST /api/v1/polls/:id/votes": { choices: [0] },
  "PUT /api/v1/media/:id": { description: "changed" },
  "PUT /api/v1/scheduled_statuses/:id": { scheduled_at: "2099-01-01T00:00:00Z" },
};
const unknownIds: Refusal[] = byId.flatMap(([method, path, readBack]) =>
  ["99999999999", "abc"].map((id) => ({ method, url: path.replace(":id", id), status: 404, error: NOT_FOUND, readBack, body: bodies[`${method} ${path}`] })),
);
const notFound = (method: string, url: string, as = "owner", readBack?: string[], body?: unknown): Refusal => ({ method, url, as, readBack, body, status: 404, error: NOT_FOUND });
const notMine: Refusal[] = [
  // A direct status for someone else is as unknown as one that does not exist.
  ...["", "/context", "/history", "/favourited_by"].map((tail) => notFound("GET", `/api/v1/statuses/{hidden}${tail}`)),
  ...["favourite", "bookmark", "reblog"].map((a) => notFound("POST", `/api/v1/statuses/{hidden}/${a}`, "owner", STATUS)),
  notFound("GET", "/api/v1/statuses/{bobStatus}/source"),
  notFound("PUT", "/api/v1/statuses/{bobStatus}", "owner", STATUS, { status: "hijacked" }),
  notFound("DELETE", "/api/v1/statuses/{bobStatus}", "owner", STATUS),
  notFound("GET", "/api/v1/media/{media}", "bob"),
  notFound("PUT", "/api/v1/media/{media}", "bob", MEDIA, { description: "hijacked" }),
  notFound("DELETE", "/api/v1/media/{media}", "bob", MEDIA),
  notFound("GET", "/api/v1/scheduled_statuses/{scheduled}", "bob"),
  notFound("DELETE", "/api/v1/scheduled_statuses/{scheduled}", "bob", SCHEDULED),
  notFound("GET", "/api/v1/notifications/{notification}", "bob"),
  notFound("POST", "/api/v1/notifications/{notification}/dismiss", "bob", NOTIFICATIONS),
  notFound("POST", "/api/v2/notifications/{group}/dismiss", "bob", NOTIFICATIONS),
  notFound("DELETE", "/api/v1/conversations/{conversation}", "bob", CONVERSATIONS),
  ...["no-dash", "1234"].map((tag) => notFound("GET", `/api/v1/timelines/tag/${tag}`)),
  notFound("POST", "/api/v1/statuses", "owner", STATUS, { status: "a reply", in_reply_to_id: "99999999999" }),
];

describe("404 for an id that is unknown, malformed or someone else's, and nothing changes", () => {
  it.each(named([...unknownIds, ...notMine], (c) => `as ${c.as ?? "owner"}`))("%s", async (_, c) => r.expectRefused(c));
});

const invalid = (method: string, url: string, body: unknown, error: RegExp, readBack?: string[]): Refusal => ({ method, url, body, error, readBack, status: 422 });
// A limit is never refused, and a boolean is refused only as a list or an object: both are
// read as Mastodon reads them (tests/api-params-mastodon.test.ts).
const invalidParams: Refusal[] = [
  invalid("POST", "/api/v1/statuses", { status: " " }, /blank/, STATUS),
  invalid("POST", "/api/v1/statuses", { status: "x", visibility: "everyone" }, /visibility must be public, unlisted, private or direct/, STATUS),
  invalid("POST", "/api/v1/statuses", { status: "x", sensitive: ["perhaps"] }, /sensitive: must be true or false/, STATUS),
  invalid("POST", "/api/v1/statuses", { status: "x", media_ids: ["abc"] }, /media_ids/, STATUS),
  invalid("POST", "/api/v1/statuses", { status: "x", poll: { options: ["only one"], expires_in: 600 } }, /option/, STATUS),
  invalid("POST", "/api/v1/statuses", { status: "x", scheduled_at: "tomorrow" }, /scheduled_at must be an ISO 8601 date and time/, [...STATUS, ...SCHEDULED]),
  invalid("PUT", "/api/v1/statuses/{status}", { status: "x".repeat(501) }, /character limit/, STATUS),
  invalid("PUT", "/api/v1/statuses/{status}", { language: "not a language" }, /language must be an ISO 639 code/, STATUS),
  invalid("DELETE", "/api/v1/statuses/{status}?delete_media[]=perhaps", undefined, /delete_media: must be true or false/, STATUS),
  invalid("GET", "/api/v1/statuses/{status}/reblogged_by?max_id=x", undefined, /max_id: must be a numeric id/),
  invalid("POST", "/api/v1/statuses/{bobStatus}/pin", undefined, /own/, STATUS),
  invalid("POST", "/api/v1/polls/{poll}/votes", { choices: [] }, /choices can't be blank/, POLL),
  invalid("POST", "/api/v1/polls/{poll}/votes", { choices: [7] }, /choice|option/i, POLL),
  invalid("POST", "/api/v1/polls/{poll}/votes", { choices: ["tea"] }, /choices must be option indexes/, POLL),
  invalid("POST", "/api/v1/media", { description: "json, no file" }, /File can't be blank/),
  invalid("POST", "/api/v2/media", {}, /File can't be blank/),
  invalid("PUT", "/api/v1/media/{media}", { focus: "2,0" }, /focus/, MEDIA),
  invalid("PUT", "/api/v1/media/{media}", { description: "x".repeat(1501) }, /description|1500/, MEDIA),
  invalid("PUT", "/api/v1/scheduled_statuses/{scheduled}", { scheduled_at: "soon" }, /scheduled_at must be an ISO 8601 date and time/, SCHEDULED),
  invalid("PUT", "/api/v1/scheduled_statuses/{scheduled}", {}, /scheduled_at is required/, SCHEDULED),
  invalid("GET", "/api/v1/bookmarks?max_id=x", undefined, /max_id: must be a numeric id/),
  invalid("GET", "/api/v1/timelines/home?min_id=x", undefined, /min_id: must be a numeric id/),
  invalid("GET", "/api/v1/timelines/public?local[]=perhaps", undefined, /local: must be true or false/),
  invalid("GET", "/api/v1/timelines/tag/cats?any[]=not%20a%20tag", undefined, /any must be hashtag names/),
  invalid("GET", "/api/v2/search", undefined, /q is required/),
  invalid("GET", "/api/v2/search?q=bob&type=people", undefined, /type/),
  invalid("GET", "/api/v1/notifications?account_id=bob", undefined, /account_id must be a numeric id/),
  invalid("GET", "/api/v2/notifications/unread_count?account_id=x", undefined, /account_id must be a numeric id/),
];

describe("422 with a message for invalid parameters, and nothing changes", () => {
  it.each(named(invalidParams, (c) => JSON.stringify(c.body ?? "").slice(0, 60)))("%s", async (_, c) => r.expectRefused(c));
});
