import { createOAuthAPIClient, createRestAPIClient, createStreamingAPIClient, type mastodon } from "masto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approveInBrowser, operator, pngBlob, startInstance } from "./helpers/client-lib.ts";
import type { KithInstance, TestAccount } from "./helpers/instance.ts";
import { pkce } from "./helpers/oauth-client.ts";
import { waitFor } from "./helpers/wait.ts";

// masto.js, unchanged, as a user's app: it registers itself, signs its user
// up, gets a token through the authorization-code flow (the browser step is
// plain HTTP), uploads, posts, reads timelines, follows someone on a second
// Kith and hears about it over the streaming API. Kith is reached only
// through the library, except for the operator's CLI and the browser.

const REDIRECT = "https://masto-app.example/callback";
const PASSWORD = "correct horse battery staple";
const SCOPES = "read write follow";

let A: KithInstance;
let B: KithInstance;
const teardown: (() => Promise<void>)[] = [];
let bob: TestAccount; // @B, made by B's operator; bob's app has his CLI token
let alice: mastodon.rest.Client; // @A, signed up and authorized through masto.js
let aliceToken: string;
let bobApi: mastodon.rest.Client;
let streaming: mastodon.streaming.Client;
let notificationStream: Collector;
let userStream: Collector;

/** Everything a masto.js subscription yields, kept for the test to wait on; the loop runs until the client closes. */
type Collector = { events: mastodon.streaming.Event[]; failure: unknown; next<E extends mastodon.streaming.Event>(match: (e: mastodon.streaming.Event) => e is E, what: string): Promise<E> };
function collect(subscription: mastodon.streaming.Subscription): Collector {
  const collector: Collector = {
    events: [],
    failure: null,
    next: (match, what) =>
      waitFor(async () => {
        if (collector.failure) throw collector.failure;
        return collector.events.find(match);
      }, what),
  };
  void (async () => {
    for await (const event of subscription) collector.events.push(event);
  })().catch((error) => (collector.failure = error));
  return collector;
}
const isUpdate = (id: string) => (e: mastodon.streaming.Event): e is mastodon.streaming.UpdateEvent => e.event === "update" && e.payload.id === id;
const isNotification = (type: string) => (e: mastodon.streaming.Event): e is mastodon.streaming.NotificationEvent => e.event === "notification" && e.payload.type === type;

beforeAll(async () => {
  const [a, b] = await Promise.all([startInstance("masto_a"), startInstance("masto_b")]);
  teardown.push(a.destroy, b.destroy);
  A = a.instance;
  B = b.instance;
  await operator(A, ["settings", "set", "registrationMode", "open"]);
  bob = await B.createAccount("bob");
  bobApi = createRestAPIClient({ url: B.origin, accessToken: bob.token });
}, 60_000);

afterAll(async () => {
  streaming?.close();
  await Promise.all(teardown.map((destroy) => destroy()));
});

describe("masto.js", () => {
  let app: mastodon.v1.Client;

  it("registers an app, signs a user up and gets a token through the authorization-code flow with PKCE", async () => {
    const anonymous = createRestAPIClient({ url: A.origin });
    const oauth = createOAuthAPIClient({ url: A.origin });
    app = await anonymous.v1.apps.create({ clientName: "masto.js acceptance", redirectUris: REDIRECT, scopes: SCOPES, website: "https://masto-app.example" });
    expect(app.name).toBe("masto.js acceptance");
    expect(app.clientId).toBeTruthy();
    expect(app.clientSecret).toBeTruthy();

    // Sign-up with the app's own token, as Mastodon apps do.
    const appToken = await oauth.token.create({ grantType: "client_credentials", clientId: app.clientId!, clientSecret: app.clientSecret!, redirectUri: REDIRECT, scope: SCOPES });
    const signUp = await createRestAPIClient({ url: A.origin, accessToken: appToken.accessToken }).v1.accounts.create({
      username: "alice",
      email: "alice@masto-app.example",
      password: PASSWORD,
      agreement: true,
      locale: "en",
    });
    expect(signUp.accessToken).toBeTruthy();
    // A refused sign-up reaches masto.js as Mastodon's 422, with per-field details.
    const again = createRestAPIClient({ url: A.origin, accessToken: appToken.accessToken }).v1.accounts.create({
      username: "alice",
      email: "other@masto-app.example",
      password: PASSWORD,
      agreement: false,
      locale: "en",
    });
    await expect(again).rejects.toMatchObject({ statusCode: 422, details: { username: [{ error: "ERR_TAKEN" }], agreement: [{ error: "ERR_ACCEPTED" }] } });

    const { verifier, challenge } = pkce();
    const authorizeUrl = `${A.origin}/oauth/authorize?${new URLSearchParams({
      response_type: "code",
      client_id: app.clientId!,
      redirect_uri: REDIRECT,
      scope: SCOPES,
      state: "masto-state",
      code_challenge: challenge,
      code_challenge_method: "S256",
    })}`;
    const code = await approveInBrowser(authorizeUrl, "alice", PASSWORD);
    // masto.js sends whatever it is given, snake_cased: codeVerifier goes out as code_verifier.
    const tokenParams = { grantType: "authorization_code", clientId: app.clientId!, clientSecret: app.clientSecret!, redirectUri: REDIRECT, code, codeVerifier: verifier, scope: SCOPES } as const;
    const token = await oauth.token.create(tokenParams);
    expect(token.tokenType).toBe("Bearer");
    expect(token.scope).toBe(SCOPES);
    aliceToken = token.accessToken;
    alice = createRestAPIClient({ url: A.origin, accessToken: aliceToken });

    // The code is single use.
    await expect(oauth.token.create(tokenParams)).rejects.toMatchObject({ statusCode: 400 });
  });

  it("verifies the user's and the app's credentials and edits the profile", async () => {
    const me = await alice.v1.accounts.verifyCredentials();
    expect(me).toMatchObject({ username: "alice", acct: "alice", locked: false });
    expect(me.id).toMatch(/^\d+$/);
    expect(me.source?.privacy).toBeTruthy();
    const client = await alice.v1.apps.verifyCredentials();
    expect(client.name).toBe(app.name);

    // masto.js sends this as multipart/form-data.
    const updated = await alice.v1.accounts.updateCredentials({ displayName: "Alice via masto.js", note: "Testing Kith" });
    expect(updated.displayName).toBe("Alice via masto.js");
    expect(updated.source?.note).toBe("Testing Kith");
    // Refusals come back as 422s, and change nothing: an overlong name, a file that is not an image.
    await expect(alice.v1.accounts.updateCredentials({ displayName: "x".repeat(31), note: "changed" })).rejects.toMatchObject({ statusCode: 422 });
    await expect(alice.v1.accounts.updateCredentials({ note: "changed", avatar: new Blob(["not an image"], { type: "image/png" }) })).rejects.toMatchObject({ statusCode: 422 });
    expect(await alice.v1.accounts.verifyCredentials()).toMatchObject({ displayName: "Alice via masto.js", source: { note: "Testing Kith" } });
    // An avatar file and profile fields, as masto.js sends them.
    const withAvatar = await alice.v1.accounts.updateCredentials({ avatar: pngBlob(), fieldsAttributes: [{ name: "Site", value: "https://alice.example/" }] });
    expect(withAvatar.avatar).toMatch(/\/system\/media\/[a-f0-9]{32}\.png$/);
    expect(withAvatar.fields).toEqual([{ name: "Site", value: expect.stringContaining('href="https://alice.example/"'), verifiedAt: null }]);
    expect(withAvatar.source?.fields).toEqual([{ name: "Site", value: "https://alice.example/", verifiedAt: null }]);
    expect((await fetch(withAvatar.avatar)).headers.get("content-type")).toBe("image/png");
  });

  it("uploads an image, posts it with alt text and hears the post on the user stream", async () => {
    const instance = await alice.v2.instance.fetch();
    streaming = createStreamingAPIClient({ streamingApiUrl: instance.configuration.urls.streaming, accessToken: aliceToken, retry: 3 });
    // One connection, two subscriptions: the notification stream is asked for first, so once the
    // user stream delivers, the server holds both.
    notificationStream = collect(streaming.user.notification.subscribe());
    userStream = collect(streaming.user.subscribe());

    const media = await alice.v2.media.create({ file: pngBlob(4, 3), description: "Four by three pixels of black" });
    expect(media).toMatchObject({ type: "image", description: "Four by three pixels of black" });
    expect(media.meta?.original).toMatchObject({ width: 4, height: 3 });
    const file = await fetch(media.url!);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("image/png");

    const status = await alice.v1.statuses.create({ status: "Hello from masto.js", visibility: "public", mediaIds: [media.id] });
    expect(status.content).toContain("Hello from masto.js");
    expect(status.mediaAttachments).toHaveLength(1);
    expect(status.mediaAttachments[0]).toMatchObject({ id: media.id, type: "image", description: "Four by three pixels of black" });

    const update = await userStream.next(isUpdate(status.id), "the post on alice's user stream");
    expect(update.stream).toEqual(["user"]);
    expect(update.payload.mediaAttachments[0]?.id).toBe(media.id);

    const home = await alice.v1.timelines.home.list({ limit: 20 });
    const inHome = home.find((s) => s.id === status.id);
    expect(inHome?.mediaAttachments[0]).toMatchObject({ id: media.id, url: media.url, description: "Four by three pixels of black" });
    const pub = await alice.v1.timelines.public.list({ local: true, limit: 20 });
    expect(pub.find((s) => s.id === status.id)?.mediaAttachments.map((m) => m.id)).toEqual([media.id]);
    const onlyMedia = await createRestAPIClient({ url: A.origin }).v1.timelines.public.list({ onlyMedia: true });
    expect(onlyMedia.map((s) => s.id)).toContain(status.id);
  });

  it("finds and follows a user on another instance, who follows back and mentions; both arrive on the notification stream", async () => {
    const found = await alice.v2.search.list({ q: `@${bob.acct}`, resolve: true, type: "accounts" });
    const bobOnA = found.accounts.find((a) => a.acct === bob.acct);
    expect(bobOnA, JSON.stringify(found)).toBeTruthy();
    const relationship = await alice.v1.accounts.$select(bobOnA!.id).follow();
    expect(relationship.following || relationship.requested).toBe(true);
    await waitFor(async () => (await alice.v1.accounts.relationships.fetch({ id: [bobOnA!.id] }))[0]?.following, "B to accept alice's follow");

    const me = await alice.v1.accounts.verifyCredentials();
    const aliceAcct = `${me.username}@${A.host}`;
    const aliceOnB = (await bobApi.v2.search.list({ q: aliceAcct, resolve: true, type: "accounts" })).accounts.find((a) => a.acct === aliceAcct);
    expect(aliceOnB).toBeTruthy();
    await bobApi.v1.accounts.$select(aliceOnB!.id).follow();

    const follow = await notificationStream.next(isNotification("follow"), "bob's follow on alice's notification stream");
    expect(follow.stream).toEqual(["user:notification"]);
    expect(follow.payload.account.acct).toBe(bob.acct);
    expect(follow.payload.account.id).toBe(bobOnA!.id);

    const mention = await bobApi.v1.statuses.create({ status: `@${aliceAcct} thanks for the follow!`, visibility: "public" });
    const mentioned = await notificationStream.next(isNotification("mention"), "bob's mention on alice's notification stream");
    expect(mentioned.payload.account.acct).toBe(bob.acct);
    expect(mentioned.payload.status?.url).toBe(mention.url);
    expect(mentioned.payload.status?.mentions.map((m) => m.acct)).toContain("alice");
    // alice follows bob: his post reaches her home stream too.
    await userStream.next((e): e is mastodon.streaming.UpdateEvent => e.event === "update" && e.payload.url === mention.url, "bob's post on alice's user stream");

    const listed = await alice.v1.notifications.list({ types: ["follow", "mention"] });
    expect(listed.map((n) => [n.type, n.account.acct])).toEqual(expect.arrayContaining([["follow", bob.acct], ["mention", bob.acct]]));
  });

  it("pages through the home timeline with the Link header until it ends", async () => {
    for (let i = 1; i <= 4; i++) await alice.v1.statuses.create({ status: `Page filler ${i}`, visibility: "unlisted" });
    const all = await waitFor(async () => {
      const list = await alice.v1.timelines.home.list({ limit: 40 });
      return list.filter((s) => s.content.includes("Page filler")).length === 4 && list;
    }, "the fillers in the home timeline");
    expect(all.length).toBeGreaterThanOrEqual(6);

    const pages: mastodon.v1.Status[][] = [];
    for await (const page of alice.v1.timelines.home.list({ limit: 2 })) {
      pages.push(page);
      if (pages.length > 20) throw new Error("the paginator does not stop");
    }
    expect(pages.flat().map((s) => s.id)).toEqual(all.map((s) => s.id));
    expect(pages.slice(0, -1).every((p) => p.length > 0 && p.length <= 2)).toBe(true);
    // The last page is the empty one without a next link.
    expect(pages.at(-1)).toEqual([]);
    expect(pages).toHaveLength(Math.ceil(all.length / 2) + 1);

    // Going back up from the oldest post with rel="prev" ends too.
    const newer: mastodon.v1.Status[][] = [];
    for await (const page of alice.v1.timelines.home.list({ limit: 3, minId: all.at(-1)!.id }).setDirection("prev")) {
      newer.push(page);
      if (newer.length > 20) throw new Error("the paginator does not stop going back");
    }
    expect(newer.flat().map((s) => s.id).sort()).toEqual(all.slice(0, -1).map((s) => s.id).sort());
  });
});
