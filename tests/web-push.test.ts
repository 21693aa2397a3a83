import { createDecipheriv, createECDH, hkdfSync, randomBytes, type ECDH } from "node:crypto";
import { once } from "node:events";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { importJWK, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.ts";
import { PushSubscriptionService } from "../src/push/push-subscription.service.ts";
import { generateVapidKeys, VapidKeys } from "../src/push/vapid.ts";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";
import { QueueWatch } from "./helpers/queues.ts";
import { clientOf, localUser, poster, type Call, type LocalUser } from "./helpers/timeline-client.ts";
import { waitFor } from "./helpers/wait.ts";

// Web Push as Mastodon apps use it: the VAPID key in the app and instance
// entities, the subscription API of an access token, and pushes that a real
// push receiver on loopback checks (VAPID JWT signed by the instance key, for
// its own origin) and decrypts with the user agent's private key (RFC 8291
// aes128gcm, and the older aesgcm draft for non-standard subscriptions).

const ALL_TYPES = ["mention", "status", "reblog", "follow", "follow_request", "favourite", "poll", "update", "admin.sign_up", "admin.report"];

/** What the push receiver saw: the request, and whether its VAPID signature held. */
type Received = { path: string; headers: IncomingHttpHeaders; body: Buffer; vapid: { ok: true; sub: string; exp: number } | { ok: false; error: string } };

/** A push service on loopback: verifies VAPID like a real one, answers 201 unless told otherwise for a path. */
class PushReceiver {
  private server: Server | null = null;
  origin = "";
  serverKey = "";
  readonly received: Received[] = [];
  /** Status codes to answer for a path, one per request, before falling back to 201. */
  readonly answers = new Map<string, number[]>();

  async start() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () =>
        void this.verify(req.headers).then((vapid) => {
          const path = req.url ?? "";
          this.received.push({ path, headers: req.headers, body: Buffer.concat(chunks), vapid });
          const status = vapid.ok ? (this.answers.get(path)?.shift() ?? 201) : 401;
          res.writeHead(status).end();
        }),
      );
    });
    this.server.listen(0, "127.0.0.1");
    await once(this.server, "listening");
    this.origin = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  /** RFC 8292 (`vapid t=…, k=…`) or the draft Mastodon used before (`WebPush <jwt>` with p256ecdsa in Crypto-Key). */
  private async verify(headers: IncomingHttpHeaders): Promise<Received["vapid"]> {
    try {
      const auth = String(headers.authorization ?? "");
      const standard = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(auth);
      const legacy = /^WebPush (\S+)$/.exec(auth);
      const jwt = standard?.[1] ?? legacy?.[1];
      const key = standard?.[2] ?? /p256ecdsa=([A-Za-z0-9_-]+)/.exec(String(headers["crypto-key"] ?? ""))?.[1];
      if (!jwt || !key) return { ok: false, error: `no VAPID credentials in ${auth}` };
      if (key !== this.serverKey) return { ok: false, error: "signed with a key other than the instance's" };
      const point = Buffer.from(key, "base64url");
      const publicKey = await importJWK({ kty: "EC", crv: "P-256", x: point.subarray(1, 33).toString("base64url"), y: point.subarray(33).toString("base64url") }, "ES256");
      const { payload } = await jwtVerify(jwt, publicKey, { audience: this.origin, algorithms: ["ES256"] });
      if (typeof payload.exp !== "number" || payload.exp > Date.now() / 1000 + 24 * 3600) return { ok: false, error: "exp missing or more than 24 h ahead" };
      return { ok: true, sub: String(payload.sub), exp: payload.exp };
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
  }

  at(path: string) {
    return this.received.filter((r) => r.path === path);
  }

  async close() {
    this.server?.close();
  }
}

/** A browser's side of a subscription: its P-256 key pair and auth secret. */
function userAgent() {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const auth = randomBytes(16);
  return { ecdh, auth, p256dh: ecdh.getPublicKey().toString("base64url"), authText: auth.toString("base64url") };
}
type UserAgent = ReturnType<typeof userAgent>;

const hkdf = (salt: Buffer, ikm: Buffer, info: Buffer, length: number) => Buffer.from(hkdfSync("sha256", ikm, salt, info, length));

function aesGcmOpen(key: Buffer, nonce: Buffer, data: Buffer): Buffer {
  const decipher = createDecipheriv(key.length === 16 ? "aes-128-gcm" : "aes-256-gcm", key, nonce);
  decipher.setAuthTag(data.subarray(data.length - 16));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]);
}

/** RFC 8291 with RFC 8188's aes128gcm record: salt ‖ rs ‖ idlen ‖ sender key ‖ one record. */
function decryptAes128gcm(body: Buffer, ua: { ecdh: ECDH; auth: Buffer }): string {
  const salt = body.subarray(0, 16);
  const idlen = body[20]!;
  const senderKey = body.subarray(21, 21 + idlen);
  const secret = ua.ecdh.computeSecret(senderKey);
  const keyInfo = Buffer.concat([Buffer.from("WebPush: info\0"), ua.ecdh.getPublicKey(), senderKey]);
  const ikm = hkdf(ua.auth, secret, keyInfo, 32);
  const cek = hkdf(salt, ikm, Buffer.from("Content-Encoding: aes128gcm\0"), 16);
  const nonce = hkdf(salt, ikm, Buffer.from("Content-Encoding: nonce\0"), 12);
  const padded = aesGcmOpen(cek, nonce, body.subarray(21 + idlen));
  // The last record ends with the delimiter 0x02, then zero padding.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  expect(padded[end]).toBe(2);
  return padded.subarray(0, end).toString("utf8");
}

/** The aesgcm draft: salt in Encryption, the sender's key in Crypto-Key, a two-byte padding length first. */
function decryptAesgcm(body: Buffer, headers: IncomingHttpHeaders, ua: { ecdh: ECDH; auth: Buffer }): string {
  const salt = Buffer.from(/salt=([A-Za-z0-9_-]+)/.exec(String(headers.encryption))![1]!, "base64url");
  const senderKey = Buffer.from(/dh=([A-Za-z0-9_-]+)/.exec(String(headers["crypto-key"]))![1]!, "base64url");
  const prk = hkdf(ua.auth, ua.ecdh.computeSecret(senderKey), Buffer.from("Content-Encoding: auth\0"), 32);
  const length = (key: Buffer) => Buffer.from([0, key.length]);
  const context = Buffer.concat([Buffer.from("P-256\0"), length(ua.ecdh.getPublicKey()), ua.ecdh.getPublicKey(), length(senderKey), senderKey]);
  const cek = hkdf(salt, prk, Buffer.concat([Buffer.from("Content-Encoding: aesgcm\0"), context]), 16);
  const nonce = hkdf(salt, prk, Buffer.concat([Buffer.from("Content-Encoding: nonce\0"), context]), 12);
  const padded = aesGcmOpen(cek, nonce, body);
  return padded.subarray(2 + padded.readUInt16BE(0)).toString("utf8");
}

let kith: InProcess;
let call: Call;
let post: ReturnType<typeof poster>;
let receiver: PushReceiver;
const queues = new QueueWatch();
let bob: LocalUser;
let carol: LocalUser;
let dave: LocalUser;

/** A recipient with a token that may subscribe (`push`) and one that may not. */
async function recipient(username: string) {
  const user = await localUser(kith, username, ["read", "write"]);
  return { ...user, push: await kith.core.tokens.issue(user.account.id, ["read", "write", "follow", "push"]) };
}
type Recipient = Awaited<ReturnType<typeof recipient>>;

function subscriptionForm(endpoint: string, ua: Pick<UserAgent, "p256dh" | "authText">, extra = "") {
  return `subscription[endpoint]=${encodeURIComponent(endpoint)}&subscription[keys][p256dh]=${ua.p256dh}&subscription[keys][auth]=${ua.authText}${extra}`;
}

async function subscribe(token: string, path: string, ua: UserAgent, data: Record<string, unknown>, standard = true) {
  const res = await call("POST", "/api/v1/push/subscription", {
    token,
    body: { subscription: { endpoint: `${receiver.origin}${path}`, keys: { p256dh: ua.p256dh, auth: ua.authText }, standard }, data },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

const idle = () => waitFor(() => queues.idle({ env: { REDIS_PREFIX: kith.core.config.redisPrefix } }), "the job queues to be idle");

async function notificationId(who: Recipient, type: string, from: LocalUser) {
  const list = (await call("GET", `/api/v1/notifications?types[]=${type}&account_id=${from.id}`, { token: who.token })).body as any[];
  expect(list, `a ${type} notification from ${from.account.username}`).toHaveLength(1);
  return list[0].id as string;
}

/** The one push that reached `path`, VAPID-checked and decrypted. */
async function onlyPush(path: string, ua: UserAgent) {
  const [push, ...more] = await waitFor(async () => (receiver.at(path).length ? receiver.at(path) : null), `a push at ${path}`);
  expect(more).toEqual([]);
  expect(push!.vapid).toMatchObject({ ok: true });
  const text = push!.headers["content-encoding"] === "aes128gcm" ? decryptAes128gcm(push!.body, ua) : decryptAesgcm(push!.body, push!.headers, ua);
  return { push: push!, text, payload: JSON.parse(text) };
}

beforeAll(async () => {
  kith = await startInProcess("webpush");
  call = clientOf(kith);
  post = poster(kith, call);
  receiver = new PushReceiver();
  await receiver.start();
  bob = await localUser(kith, "bob");
  carol = await localUser(kith, "carol");
  dave = await localUser(kith, "dave");
  receiver.serverKey = await kith.core.push.vapid.publicKey();
}, 60_000);

afterAll(async () => {
  await receiver?.close();
  await queues.close();
  await kith?.destroy();
});

describe("the VAPID key", () => {
  it("is made once, kept in the settings table, and shown in the app and instance entities", async () => {
    const key = receiver.serverKey;
    const point = Buffer.from(key, "base64url");
    expect(point).toHaveLength(65);
    expect(point[0]).toBe(4);
    // Another process reading the same database gets the same pair; admin settings do not show it.
    expect(await new VapidKeys(null, kith.core.settings).publicKey()).toBe(key);
    expect(JSON.stringify(await kith.core.settings.all())).not.toContain(key);

    const app = await call("POST", "/api/v1/apps", { body: { client_name: "Pusher", redirect_uris: "urn:ietf:wg:oauth:2.0:oob", scopes: "read push" } });
    expect(app.status).toBe(200);
    expect(app.body.vapid_key).toBe(key);
    const appToken = await kith.core.tokens.issue(null, ["read"], BigInt(app.body.id));
    const verified = await call("GET", "/api/v1/apps/verify_credentials", { token: appToken });
    expect(verified.body).toMatchObject({ name: "Pusher", vapid_key: key });
    const instance = await call("GET", "/api/v2/instance");
    expect(instance.body.configuration.vapid).toEqual({ public_key: key });
  });

  it("may be the operator's instead (KITH_VAPID_PUBLIC_KEY and KITH_VAPID_PRIVATE_KEY), checked at start-up", () => {
    const env = { KITH_PUBLIC_URL: "https://kith.example", DATABASE_URL: "postgresql://x/y" };
    const mine = generateVapidKeys();
    const other = generateVapidKeys();
    const config = loadConfig({ ...env, KITH_VAPID_PUBLIC_KEY: mine.publicKey, KITH_VAPID_PRIVATE_KEY: mine.privateKey });
    expect(config.vapid).toEqual(mine);
    expect(loadConfig(env).vapid).toBeNull();
    expect(() => loadConfig({ ...env, KITH_VAPID_PUBLIC_KEY: mine.publicKey, KITH_VAPID_PRIVATE_KEY: other.privateKey })).toThrow(/KITH_VAPID_PRIVATE_KEY: does not belong to KITH_VAPID_PUBLIC_KEY/);
    expect(() => loadConfig({ ...env, KITH_VAPID_PUBLIC_KEY: mine.publicKey })).toThrow(/KITH_VAPID_PRIVATE_KEY: must be set/);
    expect(() => loadConfig({ ...env, KITH_VAPID_PUBLIC_KEY: "abc", KITH_VAPID_PRIVATE_KEY: mine.privateKey })).toThrow(/KITH_VAPID_PUBLIC_KEY: must be an uncompressed P-256 public key/);
  });
});

describe("the subscription API", () => {
  let alice: Recipient;
  const ua = userAgent();
  const get = (token: string) => call("GET", "/api/v1/push/subscription", { token });

  beforeAll(async () => {
    alice = await recipient("alice");
  });

  it("subscribes from a form as apps send it, and shows the subscription of the token", async () => {
    const form = subscriptionForm(`${receiver.origin}/api/alice`, ua, "&data[alerts][mention]=true&data[alerts][admin.sign_up]=true&data[alerts][follow]=false&data[policy]=followed");
    const created = await call("POST", "/api/v1/push/subscription", { token: alice.push, form });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^\d+$/),
      endpoint: `${receiver.origin}/api/alice`,
      standard: false,
      alerts: Object.fromEntries(ALL_TYPES.map((t) => [t, t === "mention" || t === "admin.sign_up"])),
      policy: "followed",
      server_key: receiver.serverKey,
    });
    expect((await get(alice.push)).body).toEqual(created.body);
  });

  it("keeps one subscription per token: a new one replaces it, and other tokens have their own", async () => {
    const before = (await get(alice.push)).body;
    const again = await subscribe(alice.push, "/api/alice-2", ua, { alerts: { favourite: true } });
    expect(again.id).not.toBe(before.id);
    expect(again).toMatchObject({ endpoint: `${receiver.origin}/api/alice-2`, standard: true, policy: "all", alerts: { favourite: true, mention: false } });
    expect((await get(alice.push)).body).toEqual(again);
    const otherToken = await kith.core.tokens.issue(alice.account.id, ["push"]);
    expect((await get(otherToken)).status).toBe(404);
  });

  it("changes only what to push; alerts not named turn off, policy comes from data[policy] or policy", async () => {
    const before = (await get(alice.push)).body;
    const changed = await call("PUT", "/api/v1/push/subscription", { token: alice.push, form: "data[alerts][follow]=true&data[alerts][reblog]=1&policy=follower" });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({ ...before, alerts: Object.fromEntries(ALL_TYPES.map((t) => [t, t === "follow" || t === "reblog"])), policy: "follower" });
    const json = await call("PUT", "/api/v1/push/subscription", { token: alice.push, body: { data: { alerts: { mention: true }, policy: "none" } } });
    expect(json.body).toMatchObject({ id: before.id, endpoint: before.endpoint, policy: "none", alerts: { mention: true, follow: false } });
  });

  it("unsubscribes, and unsubscribing again is no error", async () => {
    expect((await call("DELETE", "/api/v1/push/subscription", { token: alice.push })).body).toEqual({});
    expect((await get(alice.push)).status).toBe(404);
    const again = await call("DELETE", "/api/v1/push/subscription", { token: alice.push });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({});
  });

  describe("refuses bad requests and leaves the subscription as it was", () => {
    let original: any;
    const unchanged = async () => expect((await get(alice.push)).body).toEqual(original);

    beforeAll(async () => {
      original = await subscribe(alice.push, "/api/alice-kept", ua, { alerts: { mention: true }, policy: "all" });
    });

    it("401 without a token, 403 without the push scope", async () => {
      for (const method of ["POST", "GET", "PUT", "DELETE"]) {
        const body = method === "POST" ? { subscription: { endpoint: "https://push.example/x", keys: { p256dh: ua.p256dh, auth: ua.authText } } } : undefined;
        expect((await call(method, "/api/v1/push/subscription", { body })).status, method).toBe(401);
        const noScope = await call(method, "/api/v1/push/subscription", { token: alice.token, body });
        expect(noScope.status, method).toBe(403);
        expect(noScope.body.error).toMatch(/scope/);
      }
      await unchanged();
    });

    it("422 for endpoints that are not https URLs, keys that are not a P-256 point, and auth secrets that are not 16 bytes", async () => {
      const offCurve = Buffer.from(ua.p256dh, "base64url");
      offCurve[64] = offCurve[64]! ^ 1;
      const cases: [string, string, RegExp][] = [
        ["not a url", subscriptionForm("push service", ua), /subscription\[endpoint\] must be an https URL/],
        ["http to a public host", subscriptionForm("http://push.example/x", ua), /subscription\[endpoint\] must be an https URL/],
        ["ftp", subscriptionForm("ftp://push.example/x", ua), /https URL/],
        ["point off the curve", subscriptionForm("https://push.example/x", { ...ua, p256dh: offCurve.toString("base64url") }), /p256dh\] must be an uncompressed P-256 public key/],
        ["compressed point", subscriptionForm("https://push.example/x", { ...ua, p256dh: ua.ecdh.getPublicKey(null, "compressed").toString("base64url") }), /p256dh/],
        ["not base64", subscriptionForm("https://push.example/x", { ...ua, p256dh: "%%%%" }), /p256dh/],
        ["short auth", subscriptionForm("https://push.example/x", { ...ua, authText: randomBytes(15).toString("base64url") }), /auth\] must be a 16-byte secret/],
        ["no keys", `subscription[endpoint]=https://push.example/x`, /subscription\[keys\] is required/],
        ["no subscription", `data[alerts][mention]=true`, /subscription is required/],
        ["bad policy", subscriptionForm("https://push.example/x", ua, "&data[policy]=friends"), /policy must be one of all, followed, follower, none/],
        ["bad alert value", subscriptionForm("https://push.example/x", ua, "&data[alerts][mention][]=maybe"), /mention/],
      ];
      for (const [what, form, message] of cases) {
        const res = await call("POST", "/api/v1/push/subscription", { token: alice.push, form });
        expect(res.status, what).toBe(422);
        expect(res.body.error, what).toMatch(message);
      }
      const badPolicy = await call("PUT", "/api/v1/push/subscription", { token: alice.push, body: { data: { policy: "everyone" } } });
      expect(badPolicy.status).toBe(422);
      await unchanged();
    });

    it("http endpoints only on loopback, and only while KITH_ALLOW_PRIVATE_ADDRESS is on", async () => {
      const owner = { accountId: alice.account.id, tokenId: 1n, token: alice.push };
      const strict = new PushSubscriptionService(null as never, kith.core.push.vapid, false);
      const input = { endpoint: `${receiver.origin}/strict`, p256dh: ua.p256dh, auth: ua.authText };
      await expect(strict.subscribe(owner, input, {})).rejects.toMatchObject({ status: 422, publicMessage: expect.stringMatching(/https URL/) });
      expect(kith.core.config.allowPrivateAddress).toBe(true);
      await unchanged();
    });

    it("404 to show or change a subscription the token does not have, and nothing is created", async () => {
      const fresh = await kith.core.tokens.issue(alice.account.id, ["push"]);
      expect((await get(fresh)).status).toBe(404);
      const put = await call("PUT", "/api/v1/push/subscription", { token: fresh, body: { data: { alerts: { mention: true } } } });
      expect(put.status).toBe(404);
      expect(put.body).toEqual({ error: "Record not found" });
      expect((await get(fresh)).status).toBe(404);
      await unchanged();
    });

    it("goes when its token is revoked", async () => {
      const principal = await kith.core.tokens.authenticate(alice.push);
      await kith.core.tokens.revoke(principal!.tokenId);
      await expect(kith.core.push.subscriptions.get(principal!.tokenId)).rejects.toMatchObject({ status: 404 });
    });
  });
});

describe("pushes", () => {
  it("reach the push service VAPID-signed and aes128gcm-encrypted, with Mastodon's payload", async () => {
    const erin = await recipient("erin");
    const ua = userAgent();
    await subscribe(erin.push, "/push/erin", ua, { alerts: { mention: true, follow: true }, policy: "all" });

    await post(bob, "@erin lunch at <noon> & after?");
    const { push, text, payload } = await onlyPush("/push/erin", ua);
    expect(push.headers).toMatchObject({ "content-encoding": "aes128gcm", "content-type": "application/octet-stream", ttl: "172800", urgency: "normal" });
    expect(push.headers.authorization).toMatch(/^vapid t=/);
    expect(push.vapid).toMatchObject({ sub: expect.stringMatching(/^(mailto:|https:)/) });
    const id = await notificationId(erin, "mention", bob);
    expect(payload).toEqual({
      access_token: erin.push,
      preferred_locale: "en",
      notification_id: expect.any(Number),
      notification_type: "mention",
      icon: `${kith.core.urls.origin}/avatars/original/missing.png`,
      title: "You were mentioned by bob",
      body: "@erin lunch at <noon> & after?",
    });
    // A JSON number as on Mastodon, written out exactly although it is larger than 2^53.
    expect(text).toContain(`"notification_id":${id}`);

    await kith.core.follows.follow(carol.account.id, erin.account.id);
    await waitFor(async () => receiver.at("/push/erin").length === 2, "the follow push");
    const follow = receiver.at("/push/erin")[1]!;
    expect(JSON.parse(decryptAes128gcm(follow.body, ua))).toMatchObject({ notification_type: "follow", title: "carol is now following you", body: "" });
  });

  it("use the aesgcm draft for subscriptions that are not standard, as Mastodon does", async () => {
    const fay = await recipient("fay");
    const ua = userAgent();
    await subscribe(fay.push, "/push/fay", ua, { alerts: { follow: true } }, false);
    await kith.core.follows.follow(bob.account.id, fay.account.id);
    const { push, payload } = await onlyPush("/push/fay", ua);
    expect(push.headers["content-encoding"]).toBe("aesgcm");
    expect(push.headers.authorization).toMatch(/^WebPush /);
    expect(payload).toMatchObject({ access_token: fay.push, notification_type: "follow", title: "bob is now following you" });
  });

  it("honour alerts: types switched off are not pushed", async () => {
    const gus = await recipient("gus");
    const ua = userAgent();
    await subscribe(gus.push, "/push/gus", ua, { alerts: { favourite: true } });
    const status = await post(gus, "a post to like and boost");
    await call("POST", `/api/v1/statuses/${status}/reblog`, { token: bob.token });
    await call("POST", `/api/v1/statuses/${status}/favourite`, { token: carol.token });
    const { payload } = await onlyPush("/push/gus", ua);
    expect(payload).toMatchObject({ notification_type: "favourite", title: "carol favorited your post", body: "a post to like and boost" });
    await idle();
    expect(await notificationId(gus, "reblog", bob)).toBeTruthy();
    expect(receiver.at("/push/gus")).toHaveLength(1);
  });

  it("honour the policy: followed, follower and none", async () => {
    const hal = await recipient("hal");
    const uas = { followed: userAgent(), follower: userAgent(), none: userAgent() };
    // Three tokens of one user, one subscription each.
    const tokens = { followed: hal.push, follower: await kith.core.tokens.issue(hal.account.id, ["push"]), none: await kith.core.tokens.issue(hal.account.id, ["push"]) };
    for (const policy of ["followed", "follower", "none"] as const) await subscribe(tokens[policy], `/push/hal-${policy}`, uas[policy], { alerts: { mention: true }, policy });
    await kith.core.follows.follow(hal.account.id, carol.account.id);
    await kith.core.follows.follow(dave.account.id, hal.account.id);

    await post(carol, "@hal from someone you follow");
    await post(dave, "@hal from a follower");
    await post(bob, "@hal from a stranger");
    await idle();
    const bodies = async (policy: keyof typeof uas) =>
      Promise.all(receiver.at(`/push/hal-${policy}`).map(async (p) => JSON.parse(decryptAes128gcm(p.body, uas[policy])).body));
    expect(await bodies("followed")).toEqual(["@hal from someone you follow"]);
    expect(await bodies("follower")).toEqual(["@hal from a follower"]);
    expect(await bodies("none")).toEqual([]);
  });

  /** A new recipient subscribed to follow pushes at /push/<name>; the receiver first answers `answers`. */
  async function followPushes(name: string, answers: number[] = []) {
    const user = await recipient(name);
    const ua = userAgent();
    const path = `/push/${name}`;
    receiver.answers.set(path, answers);
    await subscribe(user.push, path, ua, { alerts: { follow: true } });
    const subscription = async () => (await call("GET", "/api/v1/push/subscription", { token: user.push })).status;
    return { user, ua, path, subscription };
  }

  it("are retried with backoff when the push service fails", async () => {
    const { user, ua, path, subscription } = await followPushes("ida", [503]);
    await kith.core.follows.follow(bob.account.id, user.account.id);
    const [first, second] = await waitFor(async () => (receiver.at(path).length >= 2 ? receiver.at(path) : null), "a second attempt", 20_000);
    expect(JSON.parse(decryptAes128gcm(second!.body, ua))).toMatchObject({ notification_type: "follow", title: "bob is now following you" });
    const idOf = (p: Received) => /"notification_id":(\d+)/.exec(decryptAes128gcm(p.body, ua))![1];
    expect(idOf(second!)).toBe(idOf(first!));
    await idle();
    expect(receiver.at(path)).toHaveLength(2);
    expect(await subscription()).toBe(200);
  });

  it("stop for good when the push service has forgotten the subscription (410), which goes too", async () => {
    const { user, path, subscription } = await followPushes("jo", [410]);
    await kith.core.follows.follow(bob.account.id, user.account.id);
    await waitFor(async () => (await subscription()) === 404, "the subscription to be removed");
    await kith.core.follows.follow(carol.account.id, user.account.id);
    await idle();
    expect(receiver.at(path)).toHaveLength(1);
  });

  it("are not retried when the push service refuses them (403), and the subscription stays", async () => {
    const { user, path, subscription } = await followPushes("kim", [403]);
    await kith.core.follows.follow(bob.account.id, user.account.id);
    await waitFor(async () => receiver.at(path).length === 1, "the refused push");
    await idle();
    expect(receiver.at(path)).toHaveLength(1);
    expect(await subscription()).toBe(200);
  });

  it("stop with the token: a revoked token's subscription gets nothing", async () => {
    const { user, path } = await followPushes("lou");
    await kith.core.tokens.revoke((await kith.core.tokens.authenticate(user.push))!.tokenId);
    await kith.core.follows.follow(bob.account.id, user.account.id);
    await idle();
    expect(receiver.at(path)).toEqual([]);
  });
});
