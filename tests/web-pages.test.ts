import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";

// The pages a visitor without an account sees, as a browser asks for them,
// and the default pictures apps show for accounts without their own.

let kith: InProcess;
let alice: Awaited<ReturnType<InProcess["core"]["accounts"]["createLocal"]>>;

const get = (url: string, accept = "text/html") => kith.app!.inject({ method: "GET", url, headers: { accept } });

beforeAll(async () => {
  kith = await startInProcess("web_pages");
  alice = await kith.core.accounts.createLocal("alice");
  await kith.core.accounts.updateProfile(alice.id, { displayName: "Alice <3", note: "Gardener & *baker*", fields: [{ name: "Site", value: "https://alice.example" }] });
  await kith.core.settings.update({ title: "Kith Garden", shortDescription: "A place for gardeners", registrationMode: "approval" });
}, 60_000);

afterAll(async () => {
  await kith?.destroy();
});

describe("the front page", () => {
  it("says what the instance is, how to join with an app, and shows recent local public posts", async () => {
    await kith.core.statuses.create(alice, { text: "Tomatoes are in #garden", visibility: "public" });
    await kith.core.statuses.create(alice, { text: "only my followers see this", visibility: "private" });
    const res = await get("/");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toContain("text/html");
    expect(res.headers["content-security-policy"]).toContain("default-src 'none'");
    expect(res.body).toContain("<title>Kith Garden</title>");
    expect(res.body).toContain("A place for gardeners");
    expect(res.body).toContain("a moderator approves each sign-up");
    expect(res.body).toContain(`enter this server: <strong>${kith.core.config.domain}</strong>`);
    expect(res.body).toContain('href="/about"');
    expect(res.body).toContain("Tomatoes are in");
    expect(res.body).not.toContain("only my followers see this");
    expect(res.body).not.toContain("Record not found");
  });

  it("pages back through older posts", async () => {
    const bob = await kith.core.accounts.createLocal("bob");
    for (let i = 0; i < 22; i++) await kith.core.statuses.create(bob, { text: `numbered post ${i}.`, visibility: "public" });
    const first = await get("/");
    expect(first.body).toContain("numbered post 21.");
    expect(first.body).not.toContain("numbered post 1.");
    const older = /href="(\/\?max_id=\d+)"/.exec(first.body)?.[1];
    expect(older).toBeDefined();
    const second = await get(older!.replace("&amp;", "&"));
    expect(second.body).toContain("numbered post 1.");
    expect(second.body).not.toContain("numbered post 21.");
  });
});

describe("profile and post pages", () => {
  it("show the profile with avatar, header, bio, fields and recent public posts, escaped", async () => {
    const res = await get("/@alice");
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("Alice &lt;3");
    expect(res.body).not.toContain("Alice <3");
    expect(res.body).toContain("Gardener &amp;");
    expect(res.body).toContain("<dt>Site</dt>");
    expect(res.body).toContain('href="https://alice.example"');
    expect(res.body).toContain("/avatars/original/missing.png");
    expect(res.body).toContain("/headers/original/missing.png");
    expect(res.body).toContain(`@alice@${kith.core.config.domain}`);
    expect(res.body).toContain("Tomatoes are in");
    expect(res.body).toContain('property="og:type" content="profile"');
    expect(res.body).toContain(`<link rel="alternate" type="application/activity+json" href="${alice.uri}">`);
  });

  it("show a post with its author, content warning, media and the thread around it", async () => {
    const bob = (await kith.core.accounts.getLocalByUsername("bob"))!;
    const media = await kith.core.media.upload(bob, pngBytes(), { description: "a ripe tomato" });
    const root = await kith.core.statuses.create(alice, { text: "Root of the thread", visibility: "public" });
    const post = await kith.core.statuses.create(bob, { text: "The middle one", spoilerText: "garden spoilers", inReplyToId: root.id, mediaIds: [media.id], visibility: "public" });
    await kith.core.statuses.create(alice, { text: "A public answer", inReplyToId: post.id, visibility: "public" });
    await kith.core.statuses.create(alice, { text: "A private answer", inReplyToId: post.id, visibility: "private" });
    const res = await get(`/@bob/${post.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("<summary><strong>garden spoilers</strong>");
    expect(res.body).toContain("The middle one");
    expect(res.body).toContain('alt="a ripe tomato"');
    const order = ["Root of the thread", "The middle one", "A public answer"].map((t) => res.body.indexOf(t));
    expect(order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1]!))).toBe(true);
    expect(res.body).not.toContain("A private answer");
    expect(res.body).toContain('id="focus"');
    expect(res.body).toContain(bob.username);
  });

  it("a private post, an unknown account and an unknown path are not found, as a page for browsers", async () => {
    const hidden = await kith.core.statuses.create(alice, { text: "secret garden", visibility: "private" });
    for (const path of [`/@alice/${hidden.id}`, "/@nobody", "/no/such/page"]) {
      const res = await get(path);
      expect(res.statusCode).toBe(404);
      expect(res.headers["content-type"]).toContain("text/html");
      expect(res.body).not.toContain("secret garden");
    }
    expect((await get("/no/such/page", "application/json")).json()).toEqual({ error: "Record not found" });
  });
});

describe("hashtag pages", () => {
  it("list the public posts with the tag, whatever its case", async () => {
    const res = await get("/tags/Garden");
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("#garden");
    expect(res.body).toContain("Tomatoes are in");
    expect((await get("/tags/nothing_here")).body).toContain("No public posts with this hashtag yet.");
    expect((await get("/tags/not%20a%20tag")).statusCode).toBe(404);
  });
});

describe("default pictures", () => {
  it("are real PNG images at the URLs the Account entity names", async () => {
    const account = (await kith.app!.inject({ method: "GET", url: `/api/v1/accounts/${alice.id}` })).json();
    for (const [url, width, height] of [
      [account.avatar, 400, 400],
      [account.header, 1500, 500],
    ] as const) {
      const res = await get(new URL(url).pathname, "image/*");
      expect(res.statusCode).toBe(200);
      expect(res.headers["content-type"]).toBe("image/png");
      const png = PNG.sync.read(res.rawPayload);
      expect([png.width, png.height]).toEqual([width, height]);
    }
  });
});

/** A small real PNG to upload. */
function pngBytes(): Buffer {
  const png = new PNG({ width: 4, height: 4 });
  png.data.fill(200);
  return PNG.sync.write(png);
}
