import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { loadConfig } from "../src/config.ts";
import { Writable } from "node:stream";
import pino from "pino";
import { startKith, type Kith } from "../src/main.ts";
import { localUser, startInProcess, type InProcess, type LocalUser } from "./helpers/in-process.ts";
import { freePort, KithInstance, REDIS, type TestAccount } from "./helpers/instance.ts";
import { waitFor } from "./helpers/wait.ts";

// Mastodon's streaming API over real WebSockets on a listening Kith: what a
// client sees when people it follows post, mention it, delete, edit, and what
// it must never see. Events travel through Redis, so a second web process
// sharing it delivers them too.

type Event = { stream?: string[]; event?: string; payload?: string; error?: string; status?: number };

/** A WebSocket client that keeps everything it receives, for tests to wait on. */
class StreamClient {
  readonly received: Event[] = [];
  private readonly socket: WebSocket;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on("message", (data) => this.received.push(JSON.parse(data.toString())));
  }

  static open(origin: string, query: string, options: { token?: string; headers?: Record<string, string>; protocols?: string[] } = {}): Promise<StreamClient> {
    const params = new URLSearchParams(query);
    if (options.token) params.set("access_token", options.token);
    const socket = new WebSocket(`${origin.replace(/^http/, "ws")}/api/v1/streaming?${params}`, options.protocols ?? [], { headers: options.headers });
    return new Promise((resolve, reject) => {
      socket.once("open", () => resolve(new StreamClient(socket)));
      socket.once("unexpected-response", (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { statusCode: res.statusCode })));
      socket.once("error", reject);
    });
  }

  /** The upgrade's refusal, as the client sees it. */
  static async refusal(origin: string, query: string, options: Parameters<typeof StreamClient.open>[2] = {}): Promise<number> {
    const client = await StreamClient.open(origin, query, options).then(
      (c) => c,
      (err: { statusCode?: number }) => err.statusCode ?? -1,
    );
    if (typeof client === "number") return client;
    client.close();
    return 101;
  }

  send(message: unknown) {
    this.socket.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  next(match: (e: Event) => boolean, what: string, timeoutMs = 20_000): Promise<Event> {
    return waitFor(async () => this.received.find(match), what, timeoutMs, 25);
  }

  /** The status entity of an update-like event. */
  static status(e: Event) {
    return JSON.parse(e.payload!);
  }

  close() {
    this.socket.close();
  }
}

const isEvent = (event: string, stream?: string[]) => (e: Event) => e.event === event && (!stream || JSON.stringify(e.stream) === JSON.stringify(stream));
const about = (event: string, id: string, stream?: string[]) => (e: Event) =>
  isEvent(event, stream)(e) && (event === "delete" ? e.payload === id : statusIdOf(e) === id);
function statusIdOf(e: Event): string | undefined {
  try {
    const p = JSON.parse(e.payload ?? "null");
    return p?.last_status?.id ?? p?.status?.id ?? p?.id;
  } catch {
    return undefined;
  }
}

/** A 1×1 PNG. */
const PIXEL = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==", "base64");

let kith: InProcess;
let mediaDir: string;
let origin: string;
let redis: Redis;
type Local = LocalUser;
let alice: Local;
let bob: Local;
let carol: Local;
let dave: Local;
const clients: StreamClient[] = [];

const local = (username: string, scopes?: string[]) => localUser(kith, username, scopes);

async function open(query: string, token: string) {
  const client = await StreamClient.open(origin, query, { token });
  clients.push(client);
  return client;
}

async function api(token: string, method: string, url: string, body?: unknown) {
  const res = await kith.app!.inject({
    method: method as "POST",
    url,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    payload: body ? JSON.stringify(body) : undefined,
  });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return JSON.parse(res.body);
}

const post = (who: Local, status: string, extra: Record<string, unknown> = {}) => api(who.token, "POST", "/api/v1/statuses", { status, ...extra });

/** Subscribers of one of this instance's channels, across all processes: how a test knows a subscription is in place. */
const subscribers = async (channel: string) => {
  const [, count] = (await redis.pubsub("NUMSUB", `${kith.core.config.redisPrefix}:${channel}`)) as [string, number];
  return Number(count);
};

beforeAll(async () => {
  mediaDir = await mkdtemp(join(tmpdir(), "kith-streaming-media-"));
  kith = await startInProcess("streaming", { KITH_MEDIA_DIR: mediaDir });
  origin = kith.core.config.publicUrl.origin;
  redis = new Redis(REDIS);
  [alice, bob, carol, dave] = await Promise.all([local("alice"), local("bob"), local("carol"), local("dave")]);
  await kith.core.follows.follow(bob.id, alice.id);
  await kith.core.follows.follow(carol.id, alice.id);
  await kith.core.follows.follow(bob.id, dave.id);
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.close();
  redis?.disconnect();
  await kith?.destroy();
  if (mediaDir) await rm(mediaDir, { recursive: true, force: true });
});

describe("connecting", () => {
  it("answers the health check", async () => {
    const res = await kith.app!.inject({ method: "GET", url: "/api/v1/streaming/health" });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe("OK");
  });

  it("refuses the upgrade with 401 for a bad or missing token", async () => {
    expect(await StreamClient.refusal(origin, "stream=user", { token: "not-a-token" })).toBe(401);
    expect(await StreamClient.refusal(origin, "stream=user")).toBe(401);
    expect(await StreamClient.refusal(origin, "stream=user", { headers: { authorization: "Bearer wrong" } })).toBe(401);
  });

  it("refuses with 403 a token that may not read statuses or notifications", async () => {
    const writer = await kith.core.tokens.issue(alice.id, ["write:statuses"]);
    expect(await StreamClient.refusal(origin, "stream=public", { token: writer })).toBe(403);
  });

  it("takes the token from the Authorization header or the WebSocket subprotocol too", async () => {
    expect(await StreamClient.refusal(origin, "stream=user", { headers: { authorization: `Bearer ${bob.token}` } })).toBe(101);
    const client = await StreamClient.open(origin, "stream=user", { protocols: [bob.token] });
    clients.push(client);
    const status = await post(alice, "seen through the subprotocol");
    expect((await client.next(about("update", status.id), "an update")).stream).toEqual(["user"]);
  });

  it("upgrades nowhere else", async () => {
    const refusal = await new Promise<number>((resolve) => {
      const socket = new WebSocket(`${origin.replace(/^http/, "ws")}/api/v1/timelines/home?access_token=${bob.token}`);
      socket.once("open", () => resolve(101));
      socket.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      socket.once("error", () => resolve(-1));
    });
    expect(refusal).not.toBe(101);
    expect((await kith.app!.inject({ method: "GET", url: "/api/v1/streaming/health" })).body).toBe("OK");
  });

  it("answers a plain GET without an upgrade with 426", async () => {
    const res = await kith.app!.inject({ method: "GET", url: "/api/v1/streaming?stream=user", headers: { authorization: `Bearer ${bob.token}` } });
    expect(res.statusCode).toBe(426);
    expect(JSON.parse(res.body).error).toMatch(/WebSocket/);
  });
});

describe("the user stream", () => {
  it("gets an update when someone followed posts, rendered for the receiving user", async () => {
    const bobs = await open("stream=user", bob.token);
    const status = await post(alice, "hello followers");
    const event = await bobs.next(about("update", status.id), "alice's post on bob's stream");
    expect(event.stream).toEqual(["user"]);
    expect(typeof event.payload).toBe("string");
    const entity = StreamClient.status(event);
    expect(entity).toMatchObject({ id: status.id, content: status.content, account: { id: String(alice.id), acct: "alice" }, favourited: false });
  });

  it("carries each receiver's own flags on an edit (status.update)", async () => {
    const bobs = await open("stream=user", bob.token);
    const carols = await open("stream=user", carol.token);
    const status = await post(alice, "first version");
    await bobs.next(about("update", status.id), "the post on bob's stream");
    await api(bob.token, "POST", `/api/v1/statuses/${status.id}/favourite`);
    await api(alice.token, "PUT", `/api/v1/statuses/${status.id}`, { status: "second version" });
    const forBob = StreamClient.status(await bobs.next(about("status.update", status.id), "the edit on bob's stream"));
    const forCarol = StreamClient.status(await carols.next(about("status.update", status.id), "the edit on carol's stream"));
    expect(forBob.content).toContain("second version");
    expect(forBob.favourited).toBe(true);
    expect(forCarol.favourited).toBe(false);
  });

  it("gets a notification when mentioned, also on user:notification, which carries nothing else", async () => {
    const bobs = await open("stream=user", bob.token);
    const bobsNotifications = await open("stream=user:notification", bob.token);
    const status = await post(carol, "hey @bob, look");
    const event = await bobs.next(about("notification", status.id), "the mention notification");
    expect(event.stream).toEqual(["user"]);
    const notification = JSON.parse(event.payload!);
    expect(notification).toMatchObject({ type: "mention", account: { acct: "carol" }, status: { id: status.id } });
    const only = await bobsNotifications.next(about("notification", status.id), "the notification on user:notification");
    expect(only.stream).toEqual(["user:notification"]);
    // Alice's posts reach bob's home, but not his notification stream.
    const later = await post(alice, "not a notification");
    await bobs.next(about("update", later.id), "the later post on the user stream");
    await post(carol, "@bob once more");
    await bobsNotifications.next((e) => e.event === "notification" && statusIdOf(e) !== status.id, "the second notification");
    expect(bobsNotifications.received.every((e) => e.event === "notification")).toBe(true);
  });

  it("gets a delete when the status is deleted", async () => {
    const bobs = await open("stream=user", bob.token);
    const status = await post(alice, "soon gone");
    await bobs.next(about("update", status.id), "the post");
    await api(alice.token, "DELETE", `/api/v1/statuses/${status.id}`);
    const event = await bobs.next(about("delete", status.id), "the delete");
    expect(event).toEqual({ stream: ["user"], event: "delete", payload: status.id });
  });

  it("tells the user stream when filters change, and applies them: hide drops a post, warn marks it", async () => {
    const carols = await open("stream=user", carol.token);
    const hide = await api(carol.token, "POST", "/api/v2/filters", { title: "no spoilers", context: ["home"], filter_action: "hide", keywords_attributes: [{ keyword: "spoiler" }] });
    expect(await carols.next(isEvent("filters_changed"), "filters_changed")).toEqual({ stream: ["user"], event: "filters_changed" });
    await api(carol.token, "POST", "/api/v2/filters", { title: "careful", context: ["home"], filter_action: "warn", keywords_attributes: [{ keyword: "ending" }] });
    const hidden = await post(alice, "a spoiler about the film");
    const warned = await post(alice, "the ending surprised me");
    const entity = StreamClient.status(await carols.next(about("update", warned.id), "the warned post"));
    expect(entity.filtered).toEqual([expect.objectContaining({ filter: expect.objectContaining({ title: "careful", filter_action: "warn" }) })]);
    const sentinel = await post(alice, "plain words");
    await carols.next(about("update", sentinel.id), "the sentinel");
    expect(carols.received.some(about("update", hidden.id))).toBe(false);
    await api(carol.token, "DELETE", `/api/v2/filters/${hide.id}`);
  });

  it("without read:notifications, the user stream carries no notifications", async () => {
    const statusesOnly = await kith.core.tokens.issue(bob.id, ["read:statuses"]);
    const bobs = await open("stream=user", statusesOnly);
    const mention = await post(carol, "@bob are you there");
    const sentinel = await post(alice, "sentinel after the mention");
    await bobs.next(about("update", sentinel.id), "the sentinel");
    expect(bobs.received.some(about("notification", mention.id))).toBe(false);
  });

  it("never shows a followed account's post to someone who muted it", async () => {
    const bobs = await open("stream=user", bob.token);
    await kith.core.mutes.mute(bob.id, dave.id);
    const muted = await post(dave, "bob muted me");
    const sentinel = await post(alice, "after the muted one");
    await bobs.next(about("update", sentinel.id), "the sentinel");
    expect(bobs.received.some(about("update", muted.id))).toBe(false);
    await kith.core.mutes.unmute(bob.id, dave.id);
  });
});

describe("public and hashtag streams", () => {
  it("public:local gets public local posts only; unlisted and private ones stay off it", async () => {
    const locals = await open("stream=public:local", carol.token);
    const unlisted = await post(alice, "quietly", { visibility: "unlisted" });
    const privately = await post(alice, "for followers", { visibility: "private" });
    const everyone = await post(alice, "for everyone");
    const event = await locals.next(about("update", everyone.id), "the public post");
    expect(event.stream).toEqual(["public:local"]);
    const later = await post(dave, "later public post");
    await locals.next(about("update", later.id), "a later public post");
    expect(locals.received.some((e) => [unlisted.id, privately.id].includes(statusIdOf(e)!))).toBe(false);
  });

  it("hashtag streams get posts with the tag, whatever its case", async () => {
    const cats = await open("stream=hashtag&tag=Cats", carol.token);
    const catsLocal = await open("stream=hashtag:local&tag=cats", carol.token);
    const publicStream = await open("stream=public", carol.token);
    const untagged = await post(dave, "no tag here");
    await publicStream.next(about("update", untagged.id), "the untagged post on the public stream");
    const tagged = await post(dave, "look #CATS");
    expect((await cats.next(about("update", tagged.id), "the tagged post")).stream).toEqual(["hashtag", "cats"]);
    expect((await catsLocal.next(about("update", tagged.id), "the tagged post, local")).stream).toEqual(["hashtag:local", "cats"]);
    expect(cats.received.some(about("update", untagged.id))).toBe(false);
  });

  it("the :media variants get only posts with media", async () => {
    const withMedia = await open("stream=public:local:media", carol.token);
    const all = await open("stream=public:local", carol.token);
    const plain = await post(alice, "just words");
    await all.next(about("update", plain.id), "the text-only post on public:local");
    const account = await kith.core.accounts.get(alice.id);
    const media = await kith.core.media.upload(account, PIXEL, {});
    const pictured = await post(alice, "a picture", { media_ids: [String(media.id)] });
    const event = await withMedia.next(about("update", pictured.id), "the post with media");
    expect(event.stream).toEqual(["public:local:media"]);
    expect(StreamClient.status(event).media_attachments).toHaveLength(1);
    expect(withMedia.received.some(about("update", plain.id))).toBe(false);
  });

  it("leaves out posts of accounts the viewer blocks", async () => {
    const bobs = await open("stream=public:local", bob.token);
    await api(bob.token, "POST", `/api/v1/accounts/${carol.id}/block`);
    const blocked = await post(carol, "bob blocked me");
    const sentinel = await post(alice, "public sentinel");
    await bobs.next(about("update", sentinel.id), "the sentinel");
    expect(bobs.received.some(about("update", blocked.id))).toBe(false);
    await api(bob.token, "POST", `/api/v1/accounts/${carol.id}/unblock`);
  });
});

describe("subscribing by message", () => {
  it("subscribes and unsubscribes over one connection", async () => {
    const client = await open("", carol.token);
    client.send({ type: "subscribe", stream: "hashtag", tag: "dogs" });
    client.send({ type: "subscribe", stream: "user" });
    await waitFor(async () => (await subscribers("timeline:hashtag:dogs")) > 0, "the hashtag subscription");
    await waitFor(async () => (await subscribers(`timeline:${carol.id}`)) > 0, "the user subscription");
    const first = await post(alice, "woof #dogs");
    expect((await client.next(about("update", first.id, ["hashtag", "dogs"]), "the tagged post")).stream).toEqual(["hashtag", "dogs"]);
    await client.next(about("update", first.id, ["user"]), "the same post on the user stream");

    client.send({ type: "unsubscribe", stream: "hashtag", tag: "dogs" });
    await waitFor(async () => (await subscribers("timeline:hashtag:dogs")) === 0, "the unsubscription");
    const second = await post(alice, "woof again #dogs");
    const sentinel = await post(alice, "sentinel");
    await client.next(about("update", sentinel.id, ["user"]), "the sentinel on the user stream");
    await client.next(about("update", second.id, ["user"]), "the second post on the user stream");
    expect(client.received.some(about("update", second.id, ["hashtag", "dogs"]))).toBe(false);
  });

  it("reports bad subscriptions as Mastodon does, and keeps the connection", async () => {
    const client = await open("", bob.token);
    const notificationsOnly = await StreamClient.open(origin, "", { token: await kith.core.tokens.issue(bob.id, ["read:notifications"]) });
    clients.push(notificationsOnly);
    client.send({ type: "subscribe", stream: "nonsense" });
    expect(await client.next((e) => e.status === 400, "an unknown stream")).toEqual({ error: "Unknown stream type", status: 400 });
    client.send({ type: "subscribe", stream: "hashtag" });
    expect(await client.next((e) => e.error === "Missing tag name parameter", "a hashtag without tag")).toMatchObject({ status: 400 });
    client.send("{not json");
    expect(await client.next((e) => /JSON/.test(e.error ?? ""), "bad JSON")).toMatchObject({ status: 400 });
    client.send({ type: "subscribe", stream: "list", list: "123456" });
    expect(await client.next((e) => e.status === 404, "someone else's or no list")).toMatchObject({ error: "List not found" });
    notificationsOnly.send({ type: "subscribe", stream: "user" });
    expect(await notificationsOnly.next((e) => e.status === 403, "a stream outside the scopes")).toMatchObject({ error: expect.stringMatching(/scope/) });
    // Still open and working.
    client.send({ type: "subscribe", stream: "public:local" });
    await waitFor(async () => (await subscribers("timeline:public:local")) > 0, "the public:local subscription");
    const status = await post(alice, "still listening?");
    await client.next(about("update", status.id, ["public:local"]), "a post after the errors");
  });

  it("caps the streams of one connection", async () => {
    const client = await open("", carol.token);
    for (let i = 0; i <= 100; i++) client.send({ type: "subscribe", stream: "hashtag", tag: `many${i}` });
    expect(await client.next((e) => e.status === 400, "the refusal of the 101st stream")).toEqual({ error: "At most 100 streams per connection", status: 400 });
    expect(client.received.filter((e) => e.error)).toHaveLength(1);
  });

  it("an error in the URL's stream is reported on the socket too", async () => {
    const client = await open("stream=hashtag", bob.token);
    expect(await client.next((e) => e.status === 400, "the missing tag")).toEqual({ error: "Missing tag name parameter", status: 400 });
  });
});

describe("lists and direct messages", () => {
  it("a list stream gets posts of the list's members", async () => {
    const list = await kith.core.lists.create(bob.id, { title: "friends", repliesPolicy: "list", exclusive: false });
    await kith.core.lists.addMembers(bob.id, list.id, [alice.id]);
    const client = await open(`stream=list&list=${list.id}`, bob.token);
    const status = await post(alice, "for the list");
    expect((await client.next(about("update", status.id), "the post on the list stream")).stream).toEqual(["list", String(list.id)]);
    const others = await open("", carol.token);
    others.send({ type: "subscribe", stream: "list", list: String(list.id) });
    expect(await others.next((e) => e.status === 404, "someone else's list")).toMatchObject({ error: "List not found" });
  });

  it("a direct message reaches the direct stream as a conversation, and nobody else's streams", async () => {
    const bobsDirect = await open("stream=direct", bob.token);
    const carols = await open("stream=user", carol.token);
    const dm = await post(alice, "@bob just between us", { visibility: "direct" });
    const event = await bobsDirect.next(about("conversation", dm.id), "the conversation event");
    expect(event.stream).toEqual(["direct"]);
    const conversation = JSON.parse(event.payload!);
    expect(conversation).toMatchObject({ unread: true, last_status: { id: dm.id, visibility: "direct" } });
    expect(conversation.accounts.map((a: { acct: string }) => a.acct)).toEqual(["alice"]);
    const sentinel = await post(alice, "public after the dm");
    await carols.next(about("update", sentinel.id), "the sentinel on carol's stream");
    expect(carols.received.some((e) => statusIdOf(e) === dm.id)).toBe(false);

    // Edited: the direct stream hears of the conversation again; deleted: it gets the delete.
    await api(alice.token, "PUT", `/api/v1/statuses/${dm.id}`, { status: "@bob just between us, edited" });
    await bobsDirect.next((e) => e.event === "conversation" && JSON.parse(e.payload!).last_status.content.includes("edited"), "the edited conversation");
    await api(alice.token, "DELETE", `/api/v1/statuses/${dm.id}`);
    expect(await bobsDirect.next(about("delete", dm.id), "the delete on the direct stream")).toEqual({ stream: ["direct"], event: "delete", payload: dm.id });
  });
});

describe("several web processes", () => {
  let second: Kith;
  let secondOrigin: string;
  const logs: string[] = [];

  beforeAll(async () => {
    // Same database, Redis and prefix: another web process of the same instance.
    const port = await freePort();
    const config = loadConfig({ ...process.env, ...envOf(kith), PORT: String(port), ROLE: "web", LOG_LEVEL: "info" });
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logs.push(chunk.toString());
        done();
      },
    });
    second = await startKith(config, pino({ level: "info" }, sink));
    secondOrigin = `http://127.0.0.1:${port}`;
  }, 60_000);

  afterAll(async () => second?.close());

  it("a post made through one process reaches sockets held by the other", async () => {
    const onSecond = await StreamClient.open(secondOrigin, "stream=user", { token: bob.token });
    const onFirst = await open("stream=user", bob.token);
    clients.push(onSecond);
    const status = await post(alice, "one process, two sockets");
    await onSecond.next(about("update", status.id), "the post on the second process");
    await onFirst.next(about("update", status.id), "the post on the first process");
    // And the other way: posted through the second (web only) process.
    const res = await fetch(`${secondOrigin}/api/v1/statuses`, {
      method: "POST",
      headers: { authorization: `Bearer ${alice.token}`, "content-type": "application/json" },
      body: JSON.stringify({ status: "through the second process" }),
    });
    const other = await res.json();
    await onFirst.next(about("update", other.id), "the second process's post on the first");
    await onSecond.next(about("update", other.id), "the second process's post on the second");
  });

  it("keeps the access token out of the request log", async () => {
    const client = await StreamClient.open(secondOrigin, "stream=public", { token: carol.token });
    client.close();
    const requestLine = await waitFor(async () => logs.find((line) => line.includes("stream=public")), "the request in the log");
    expect(requestLine).toContain("access_token=[redacted]");
    expect(logs.join("")).not.toContain(carol.token);
  });
});

/** The environment an in-process instance was started with, rebuilt from its config. */
function envOf(k: Kith): Record<string, string> {
  const c = k.core.config;
  return {
    KITH_PUBLIC_URL: c.publicUrl.origin,
    HOST: "127.0.0.1",
    DATABASE_URL: c.databaseUrl,
    REDIS_URL: c.redisUrl,
    REDIS_PREFIX: c.redisPrefix,
    KITH_ALLOW_PRIVATE_ADDRESS: "true",
    KITH_RATE_LIMITS: "off",
    KITH_MEDIA_DIR: c.mediaDir,
  };
}

describe("federation", () => {
  let a: KithInstance;
  let b: KithInstance;
  let bobA: TestAccount;
  let aliceB: TestAccount;

  beforeAll(async () => {
    [a, b] = await Promise.all([KithInstance.create("stream_a"), KithInstance.create("stream_b")]);
    await Promise.all([a.start(), b.start()]);
    [bobA, aliceB] = await Promise.all([a.createAccount("bob"), b.createAccount("alice")]);
  }, 90_000);

  afterAll(async () => {
    await Promise.all([a?.destroy(), b?.destroy()]);
  });

  it("a remote follow's notification, and then the remote account's post, arrive over the stream", async () => {
    const client = await StreamClient.open(a.origin, "stream=user", { token: bobA.token });
    clients.push(client);
    const bobOnB = await b.resolve(aliceB.token, `bob@${a.host}`);
    expect((await b.api(aliceB.token, "POST", `/api/v1/accounts/${bobOnB}/follow`)).status).toBe(200);
    const follow = await client.next((e) => e.event === "notification", "the follow notification from the other instance", 30_000);
    expect(follow.stream).toEqual(["user"]);
    expect(JSON.parse(follow.payload!)).toMatchObject({ type: "follow", account: { acct: `alice@${b.host}` } });

    const aliceOnA = await a.resolve(bobA.token, `alice@${b.host}`);
    await a.api(bobA.token, "POST", `/api/v1/accounts/${aliceOnA}/follow`);
    await waitFor(async () => (await a.api(bobA.token, "GET", `/api/v1/accounts/relationships?id[]=${aliceOnA}`)).body[0]?.following, "the follow to be accepted", 30_000);
    const status = await b.api(aliceB.token, "POST", "/api/v1/statuses", { status: "hello from the other instance" });
    const update = await client.next((e) => e.event === "update" && JSON.parse(e.payload!).uri === status.body.uri, "the remote post", 30_000);
    expect(JSON.parse(update.payload!)).toMatchObject({ account: { acct: `alice@${b.host}` }, content: expect.stringContaining("hello from the other instance") });
  });
});
