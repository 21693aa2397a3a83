import generator, { type Entity, type MegalodonInterface, type WebSocketInterface } from "megalodon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approveInBrowser, OOB, operator, startInstance } from "./helpers/client-lib.ts";
import type { KithInstance, TestAccount } from "./helpers/instance.ts";
import { waitFor } from "./helpers/wait.ts";

// megalodon, unchanged, as a user's app on one Kith: app registration and
// the out-of-band code flow (the browser step is plain HTTP), then posting,
// timelines, favourites and notifications, and its user stream. Kith is
// reached only through the library, except for the operator's CLI and the
// browser.

const PASSWORD = "megalodon's long password";

let kith: KithInstance;
let destroy: () => Promise<void>;
let carolAccount: TestAccount; // made by the operator with a password; her app signs in through OAuth
let dave: MegalodonInterface; // a second local user, through his CLI token
let carol: MegalodonInterface;
let carolId: string;
let stream: WebSocketInterface | null = null;
const streamed: { event: string; data: any }[] = [];

beforeAll(async () => {
  ({ instance: kith, destroy } = await startInstance("megalodon"));
  const [c, d] = await Promise.all([
    // `kith accounts create --password` is how an operator makes an account someone signs in to.
    operator(kith, ["accounts", "create", "carol", "--password", PASSWORD]),
    kith.createAccount("dave"),
  ]);
  carolAccount = { id: c.id, username: c.username, acct: c.acct, url: c.url, token: c.access_token };
  dave = generator("mastodon", kith.origin, d.token);
}, 60_000);

afterAll(async () => {
  stream?.stop();
  await destroy?.();
});

describe("megalodon", () => {
  it("registers an app and fetches an access token through the out-of-band code flow", async () => {
    const anonymous = generator("mastodon", kith.origin);
    const app = await anonymous.registerApp("megalodon acceptance", { scopes: ["read", "write", "follow"] });
    expect(app.client_id).toBeTruthy();
    expect(app.client_secret).toBeTruthy();
    expect(app.redirect_uri).toBe(OOB);
    expect(app.url).toContain(`${kith.origin}/oauth/authorize?`);

    const code = await approveInBrowser(app.url!, "carol", PASSWORD);
    const token = await anonymous.fetchAccessToken(app.client_id, app.client_secret, code, OOB);
    expect(token.token_type).toBe("Bearer");
    expect(token.scope).toBe("read write follow");
    carol = generator("mastodon", kith.origin, token.access_token);

    const me = await carol.verifyAccountCredentials();
    expect(me.status).toBe(200);
    expect(me.data).toMatchObject({ id: carolAccount.id, username: "carol", acct: "carol" });
    carolId = me.data.id;
  });

  it("streams the user's own post; posts, reads the home and public timelines", async () => {
    stream = await carol.userStreaming();
    const connected = new Promise((resolve, reject) => {
      stream!.once("connect", resolve);
      stream!.once("error", reject);
    });
    stream.on("update", (data: Entity.Status) => streamed.push({ event: "update", data }));
    stream.on("notification", (data: Entity.Notification) => streamed.push({ event: "notification", data }));
    stream.on("parser-error", (data: Error) => streamed.push({ event: "parser-error", data }));
    // The stream named in the URL is subscribed before the socket opens.
    await connected;

    const posted = await carol.postStatus("Hello from megalodon", { visibility: "public" });
    expect(posted.status).toBe(200);
    const status = posted.data as Entity.Status;
    expect(status.content).toContain("Hello from megalodon");
    expect(status.account.id).toBe(carolId);

    const update = await waitFor(async () => streamed.find((e) => e.event === "update" && e.data.id === status.id), "the post on carol's user stream");
    expect(update.data.content).toBe(status.content);

    const home = await carol.getHomeTimeline({ limit: 20 });
    expect(home.data.map((s) => s.id)).toContain(status.id);
    const pub = await carol.getPublicTimeline({ limit: 20 });
    expect(pub.data.map((s) => s.id)).toContain(status.id);
    const local = await carol.getLocalTimeline({ limit: 20 });
    expect(local.data.map((s) => s.id)).toContain(status.id);
    expect(streamed.filter((e) => e.event === "parser-error")).toEqual([]);
  });

  it("favourites, and the author sees the favourite and follow in notifications and on the stream", async () => {
    const own = (await carol.getHomeTimeline({ limit: 1 })).data[0]!;
    const follow = await dave.followAccount(carolId);
    expect(follow.data.following).toBe(true);
    const fav = await dave.favouriteStatus(own.id);
    expect(fav.data).toMatchObject({ id: own.id, favourited: true, favourites_count: 1 });

    const pushed = await waitFor(async () => streamed.find((e) => e.event === "notification" && e.data.type === "favourite"), "the favourite on carol's user stream");
    expect(pushed.data.account.username).toBe("dave");
    expect(pushed.data.status.id).toBe(own.id);

    const notifications = await carol.getNotifications({ limit: 10 });
    expect(notifications.status).toBe(200);
    expect(notifications.data.map((n) => [n.type, n.account?.acct, n.status?.id ?? null])).toEqual(
      expect.arrayContaining([
        ["favourite", "dave", own.id],
        ["follow", "dave", null],
      ]),
    );

    // carol favourites dave's post; her own view of it says so.
    const davePost = (await dave.postStatus("dave was here", { visibility: "public" })).data as Entity.Status;
    const mine = await carol.favouriteStatus(davePost.id);
    expect(mine.data).toMatchObject({ id: davePost.id, favourited: true });
  });
});
