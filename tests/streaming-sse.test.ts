import websocket from "@fastify/websocket";
import Fastify from "fastify";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { streamingRoutes } from "../routes/streaming/streaming.routes.ts";
import { EventStreamClient, isOpen, type StreamEvent } from "./helpers/event-stream-client.ts";
import { localUser, startInProcess, type InProcess, type LocalUser } from "./helpers/in-process.ts";
import { REDIS } from "./helpers/instance.ts";
import { remotePost, remoteUser } from "./helpers/timeline-client.ts";
import { waitFor } from "./helpers/wait.ts";

// Mastodon's server-sent events streaming API (GET /api/v1/streaming/user,
// /public/local, /hashtag?tag=...) over real HTTP on a listening Kith: the
// frames, the refusals before a stream opens, and every event a client
// relies on: update, status.update, delete (of statuses and of reblogs),
// notification, filters_changed, conversation. The WebSocket transport
// shares the sessions and rendering; tests/streaming.test.ts covers it.

let kith: InProcess;
let origin: string;
let redis: Redis;
type Local = LocalUser;
let alice: Local;
let bob: Local;
let carol: Local;
let dave: Local;
const clients: EventStreamClient[] = [];

const local = (username: string, scopes?: string[]) => localUser(kith, username, scopes);

const url = (path: string, query: Record<string, string> = {}) => {
  const search = new URLSearchParams(query).toString();
  return `${origin}/api/v1/streaming/${path}${search ? `?${search}` : ""}`;
};

/** An open stream; the token goes in the Authorization header unless `inQuery`. */
async function open(path: string, token: string, query: Record<string, string> = {}, inQuery = false) {
  const client = await EventStreamClient.open(url(path, inQuery ? { ...query, access_token: token } : query), inQuery ? {} : { authorization: `Bearer ${token}` });
  if (!isOpen(client)) throw new Error(`${path} was refused: ${client.status} ${JSON.stringify(client.body)}`);
  clients.push(client);
  return client;
}

/** The refusal of a stream that must not open. */
async function refused(path: string, token: string | null, query: Record<string, string> = {}) {
  const answer = await EventStreamClient.open(url(path, query), token ? { authorization: `Bearer ${token}` } : {});
  if (isOpen(answer)) {
    answer.close();
    throw new Error(`${path} opened`);
  }
  return answer;
}

async function api(token: string, method: string, path: string, body?: unknown) {
  const res = await kith.app!.inject({
    method: method as "POST",
    url: path,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    payload: body ? JSON.stringify(body) : undefined,
  });
  if (res.statusCode >= 300) throw new Error(`${method} ${path}: ${res.statusCode} ${res.body}`);
  return JSON.parse(res.body);
}

const post = (who: Local, status: string, extra: Record<string, unknown> = {}) => api(who.token, "POST", "/api/v1/statuses", { status, ...extra });

const entity = (e: StreamEvent) => JSON.parse(e.data);
/** An event about a status: `delete` carries the id itself; the others an entity with it (or with it as last_status or status). */
const about = (event: string, id: string) => (e: StreamEvent) => {
  if (e.event !== event) return false;
  if (event === "delete") return e.data === id;
  const p = entity(e);
  return (p.last_status?.id ?? p.status?.id ?? p.id) === id;
};

/** Subscribers of one of this instance's channels in Redis: whether a stream is (still) subscribed. */
const subscribers = async (channel: string) => {
  const [, count] = (await redis.pubsub("NUMSUB", `${kith.core.config.redisPrefix}:${channel}`)) as [string, number];
  return Number(count);
};

/** A public post from another server, as the inbox would store it: its id. */
async function remote(content: string, extra: { tags?: string[]; withImage?: boolean } = {}) {
  return String((await remotePost(kith, await remoteUser(kith, "rita"), content, extra)).id);
}

beforeAll(async () => {
  kith = await startInProcess("streaming_sse");
  origin = kith.core.config.publicUrl.origin;
  redis = new Redis(REDIS);
  [alice, bob, carol, dave] = await Promise.all([local("alice"), local("bob"), local("carol"), local("dave")]);
  await kith.core.follows.follow(bob.id, alice.id);
  await kith.core.follows.follow(bob.id, dave.id);
  await kith.core.follows.follow(carol.id, alice.id);
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.close();
  redis?.disconnect();
  await kith?.destroy();
});

describe("opening a stream", () => {
  it("answers the health check with OK", async () => {
    const res = await fetch(url("health"));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("OK");
  });

  it("opens as text/event-stream with Mastodon's `:)` comment, with the token in the header or the query", async () => {
    const byHeader = await open("user", bob.token);
    expect(byHeader.status).toBe(200);
    expect(byHeader.headers.get("content-type")).toBe("text/event-stream");
    expect(byHeader.headers.get("cache-control")).toBe("no-store");
    await waitFor(async () => byHeader.comments.includes(")"), "the opening comment");
    const byQuery = await open("user", bob.token, {}, true);
    const status = await post(alice, "seen on both");
    await byHeader.next(about("update", status.id), "the post on the stream opened with a header");
    await byQuery.next(about("update", status.id), "the post on the stream opened with access_token");
  });

  it("refuses with 401 a missing or unknown token", async () => {
    for (const path of ["user", "public", "hashtag"]) {
      const missing = await refused(path, null, { tag: "cats" });
      expect(missing.status).toBe(401);
      expect(missing.body).toEqual({ error: "Missing access token" });
    }
    const unknown = await refused("user", "not-a-token");
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual({ error: "The access token is invalid" });
    expect((await refused("user", null, { access_token: "not-a-token" })).status).toBe(401);
  });

  it("refuses with 403 a token without the scope the stream needs, subscribing nothing", async () => {
    const erin = await local("erin");
    const writeOnly = await kith.core.tokens.issue(erin.id, ["write:statuses"]);
    expect((await refused("public", writeOnly)).status).toBe(403);
    const notificationsOnly = await kith.core.tokens.issue(erin.id, ["read:notifications"]);
    const user = await refused("user", notificationsOnly);
    expect(user).toMatchObject({ status: 403, body: { error: "Access token does not have the required scopes" } });
    expect((await refused("direct", notificationsOnly)).status).toBe(403);
    const statusesOnly = await kith.core.tokens.issue(erin.id, ["read:statuses"]);
    expect((await refused("user/notification", statusesOnly)).status).toBe(403);
    expect(await subscribers(`timeline:${erin.id}`)).toBe(0);
    expect(await subscribers(`timeline:${erin.id}:notifications`)).toBe(0);
    expect(await subscribers(`timeline:direct:${erin.id}`)).toBe(0);
  });

  it("refuses a path with no stream (400), as Mastodon does", async () => {
    const res = await refused("nonsense", bob.token);
    expect(res).toMatchObject({ status: 400, body: { error: "Unknown channel requested" } });
    expect((await refused("public/everywhere", bob.token)).status).toBe(400);
  });

  it("refuses a missing tag or list (400), someone else's or no list (404) and a bad only_media (422)", async () => {
    expect(await refused("hashtag", bob.token)).toMatchObject({ status: 400, body: { error: "Missing tag name parameter" } });
    expect(await refused("hashtag/local", bob.token, { tag: "#" })).toMatchObject({ status: 400, body: { error: "Missing tag name parameter" } });
    expect(await refused("list", bob.token)).toMatchObject({ status: 400, body: { error: "Missing list name parameter" } });
    const carols = await kith.core.lists.create(carol.id, { title: "carol's", repliesPolicy: "list", exclusive: false });
    expect(await refused("list", bob.token, { list: String(carols.id) })).toMatchObject({ status: 404, body: { error: "List not found" } });
    expect((await refused("list", bob.token, { list: "999999999" })).status).toBe(404);
    expect((await refused("list", bob.token, { list: "not-an-id" })).status).toBe(404);
    expect((await refused("public", bob.token, { "only_media[]": "perhaps" })).status).toBe(422);
    expect(await subscribers(`timeline:list:${carols.id}`)).toBe(0);
  });
});

describe("the user stream", () => {
  it("gets `update` with the status entity as data, rendered for the receiver", async () => {
    const bobs = await open("user", bob.token);
    const status = await post(alice, "hello followers");
    const event = await bobs.next(about("update", status.id), "alice's post");
    expect(entity(event)).toMatchObject({ id: status.id, content: status.content, account: { acct: "alice" }, favourited: false });
  });

  it("gets `status.update` on an edit and `delete` with the id when the status is deleted", async () => {
    const bobs = await open("user", bob.token);
    const status = await post(alice, "first version");
    await bobs.next(about("update", status.id), "the post");
    await api(alice.token, "PUT", `/api/v1/statuses/${status.id}`, { status: "second version" });
    expect(entity(await bobs.next(about("status.update", status.id), "the edit")).content).toContain("second version");
    await api(alice.token, "DELETE", `/api/v1/statuses/${status.id}`);
    expect(await bobs.next(about("delete", status.id), "the delete")).toEqual({ event: "delete", data: status.id });
    // The delete came after the edit, in order.
    const order = bobs.events.filter((e) => e.data === status.id || (e.event !== "delete" && entity(e).id === status.id)).map((e) => e.event);
    expect(order).toEqual(["update", "status.update", "delete"]);
  });

  it("gets `notification` when mentioned; user/notification carries notifications only", async () => {
    const bobs = await open("user", bob.token);
    const bobsNotifications = await open("user/notification", bob.token);
    const status = await post(carol, "hey @bob");
    expect(entity(await bobs.next(about("notification", status.id), "the mention"))).toMatchObject({ type: "mention", account: { acct: "carol" } });
    await bobsNotifications.next(about("notification", status.id), "the mention on user/notification");
    const later = await post(alice, "not a notification");
    await bobs.next(about("update", later.id), "alice's later post on the user stream");
    await post(carol, "@bob again");
    await bobsNotifications.next((e) => e.event === "notification" && entity(e).status.id !== status.id, "the second mention");
    expect(bobsNotifications.events.every((e) => e.event === "notification")).toBe(true);
  });

  it("gets `filters_changed` (data `undefined`, as Mastodon writes it) when a filter or its keywords change", async () => {
    const bobs = await open("user", bob.token);
    const filter = await api(bob.token, "POST", "/api/v2/filters", { title: "spoilers", context: ["home"], filter_action: "hide", keywords_attributes: [{ keyword: "spoiler" }] });
    expect(await bobs.next((e) => e.event === "filters_changed", "filters_changed")).toEqual({ event: "filters_changed", data: "undefined" });
    await api(bob.token, "POST", `/api/v2/filters/${filter.id}/keywords`, { keyword: "ending" });
    await waitFor(async () => bobs.events.filter((e) => e.event === "filters_changed").length === 2, "filters_changed for the new keyword");
    const hidden = await post(alice, "the ending is sad");
    const sentinel = await post(alice, "nothing to hide");
    await bobs.next(about("update", sentinel.id), "the sentinel");
    expect(bobs.events.some(about("update", hidden.id))).toBe(false);
    await api(bob.token, "DELETE", `/api/v2/filters/${filter.id}`);
    await waitFor(async () => bobs.events.filter((e) => e.event === "filters_changed").length === 3, "filters_changed for the deletion");
  });

  it("gets `delete` with the reblog's id when a followed account undoes its reblog", async () => {
    const bobs = await open("user", bob.token);
    const original = await post(carol, "worth sharing");
    const reblog = await api(dave.token, "POST", `/api/v1/statuses/${original.id}/reblog`);
    expect(reblog.id).not.toBe(original.id);
    const shared = entity(await bobs.next(about("update", reblog.id), "dave's reblog on bob's stream"));
    expect(shared.reblog.id).toBe(original.id);
    await api(dave.token, "POST", `/api/v1/statuses/${original.id}/unreblog`);
    expect(await bobs.next(about("delete", reblog.id), "the reblog's delete")).toEqual({ event: "delete", data: reblog.id });
  });

  it("gets `delete` for each reblog when the reblogged status itself is deleted", async () => {
    const bobs = await open("user", bob.token);
    const carols = await open("user", carol.token);
    const original = await post(carol, "soon gone, reblogged first");
    const reblog = await api(dave.token, "POST", `/api/v1/statuses/${original.id}/reblog`);
    await bobs.next(about("update", reblog.id), "the reblog on bob's stream");
    await api(carol.token, "DELETE", `/api/v1/statuses/${original.id}`);
    await bobs.next(about("delete", reblog.id), "the reblog's delete on bob's stream");
    await carols.next(about("delete", original.id), "the status's delete on its author's stream");
  });
});

describe("public and hashtag streams", () => {
  it("public/local gets local public posts only", async () => {
    const locals = await open("public/local", carol.token);
    const unlisted = await post(alice, "quietly", { visibility: "unlisted" });
    const remoteId = await remote("from afar");
    const everyone = await post(alice, "for everyone");
    await locals.next(about("update", everyone.id), "the public post");
    expect(locals.events.some((e) => about("update", unlisted.id)(e) || about("update", remoteId)(e))).toBe(false);
  });

  it("public/remote gets remote posts only; public gets both", async () => {
    const remotes = await open("public/remote", carol.token);
    const all = await open("public", carol.token);
    const localPost = await post(alice, "at home");
    const remoteId = await remote("hello from elsewhere");
    await remotes.next(about("update", remoteId), "the remote post");
    await all.next(about("update", localPost.id), "the local post on public");
    await all.next(about("update", remoteId), "the remote post on public");
    expect(remotes.events.some(about("update", localPost.id))).toBe(false);
  });

  it("only_media=true picks the media variants", async () => {
    const withMedia = await open("public", carol.token, { only_media: "true" });
    const remoteWithMedia = await open("public/remote", carol.token, { only_media: "1" });
    const everything = await open("public/remote", carol.token);
    const plain = await remote("just words");
    const pictured = await remote("a picture", { withImage: true });
    await everything.next(about("update", plain), "the plain post on public/remote");
    expect(entity(await withMedia.next(about("update", pictured), "the picture on public:media")).media_attachments).toHaveLength(1);
    await remoteWithMedia.next(about("update", pictured), "the picture on public:remote:media");
    expect([...withMedia.events, ...remoteWithMedia.events].some(about("update", plain))).toBe(false);
  });

  it("hashtag?tag= gets tagged posts whatever the case; hashtag/local only local ones", async () => {
    const cats = await open("hashtag", carol.token, { tag: "Cats" });
    const localCats = await open("hashtag/local", carol.token, { tag: "#cats" });
    const untagged = await post(dave, "no tag");
    const remoteId = await remote("remote #cats", { tags: ["cats"] });
    const tagged = await post(dave, "look #CATS");
    await cats.next(about("update", remoteId), "the remote tagged post");
    await cats.next(about("update", tagged.id), "the local tagged post");
    await localCats.next(about("update", tagged.id), "the local tagged post on hashtag/local");
    expect(cats.events.some(about("update", untagged.id))).toBe(false);
    expect(localCats.events.some(about("update", remoteId))).toBe(false);
  });
});

describe("lists and direct messages", () => {
  it("list?list= gets the posts of the list's members", async () => {
    const list = await kith.core.lists.create(bob.id, { title: "friends", repliesPolicy: "list", exclusive: false });
    await kith.core.lists.addMembers(bob.id, list.id, [alice.id]);
    const stream = await open("list", bob.token, { list: String(list.id) });
    const status = await post(alice, "for the list");
    await stream.next(about("update", status.id), "the post on the list stream");
  });

  it("direct gets a `conversation` for a direct message, and deletes", async () => {
    const bobsDirect = await open("direct", bob.token);
    const dm = await post(alice, "@bob between us", { visibility: "direct" });
    const conversation = entity(await bobsDirect.next(about("conversation", dm.id), "the conversation"));
    expect(conversation).toMatchObject({ unread: true, last_status: { id: dm.id, visibility: "direct" } });
    await api(alice.token, "DELETE", `/api/v1/statuses/${dm.id}`);
    await bobsDirect.next(about("delete", dm.id), "the delete on the direct stream");
  });
});

describe("the connection", () => {
  it("gives the subscription up when the client goes", async () => {
    const stream = await open("hashtag", carol.token, { tag: "fleeting" });
    expect(await subscribers("timeline:hashtag:fleeting")).toBe(1);
    stream.close();
    await waitFor(async () => (await subscribers("timeline:hashtag:fleeting")) === 0, "the unsubscription");
  });

  it("sends `:thump` heartbeats, and ends open streams when the server shuts down", async () => {
    const app = Fastify();
    await app.register(websocket);
    await app.register(async (scope) => streamingRoutes(scope, kith.core, { heartbeatMs: 50 }));
    await app.listen({ host: "127.0.0.1", port: 0 });
    const { port } = app.server.address() as { port: number };
    const answer = await EventStreamClient.open(`http://127.0.0.1:${port}/api/v1/streaming/hashtag?tag=beats`, { authorization: `Bearer ${carol.token}` });
    if (!isOpen(answer)) throw new Error(`refused: ${answer.status}`);
    clients.push(answer);
    await waitFor(async () => answer.comments.filter((c) => c === "thump").length >= 2, "two heartbeats", 5_000, 10);
    expect(answer.events).toEqual([]);
    await app.close();
    await waitFor(async () => answer.ended, "the end of the stream", 5_000);
    await waitFor(async () => (await subscribers("timeline:hashtag:beats")) === 0, "the unsubscription");
  });
});
