import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFixture } from "./helpers/fixtures.ts";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";

// What other servers and Mastodon apps see first: discovery documents,
// content negotiation, and the shapes of the client API's entities.

let kith: InProcess;
let origin: string;
let host: string;
let token: string;
let publicPost: { id: string; uri: string };
let privatePost: { id: string; uri: string };

const AP = "application/activity+json";
const get = (url: string, accept?: string, auth?: string) =>
  kith.app!.inject({ method: "GET", url, headers: { ...(accept ? { accept } : {}), ...(auth ? { authorization: `Bearer ${auth}` } : {}) } });
const fixture = (name: string) => readFixture(`mastodon/${name}`);

beforeAll(async () => {
  kith = await startInProcess("discovery");
  origin = kith.core.config.publicUrl.origin;
  host = kith.core.config.domain;
  const alice = await kith.core.accounts.createLocal("alice");
  token = await kith.core.tokens.issue(alice.id);
  publicPost = await kith.core.statuses.create(alice, { text: "hello #world" }).then((s) => ({ id: String(s.id), uri: s.uri }));
  privatePost = await kith.core.statuses.create(alice, { text: "friends only", visibility: "private" }).then((s) => ({ id: String(s.id), uri: s.uri }));
}, 60_000);

afterAll(async () => kith?.destroy());

describe("discovery", () => {
  it("WebFinger finds a local account by acct (host with port) and by actor URL, case-insensitively", async () => {
    for (const resource of [`acct:alice@${host}`, `acct:ALICE@${host}`, `${origin}/users/alice`]) {
      const res = await get(`/.well-known/webfinger?resource=${encodeURIComponent(resource)}`);
      expect(res.statusCode).toBe(200);
      const jrd = JSON.parse(res.body);
      expect(jrd.subject).toBe(`acct:alice@${host}`);
      expect(jrd.links).toContainEqual(expect.objectContaining({ rel: "self", type: AP, href: `${origin}/users/alice` }));
    }
    expect((await get(`/.well-known/webfinger?resource=${encodeURIComponent(`acct:nobody@${host}`)}`)).statusCode).toBe(404);
  });

  it("host-meta and NodeInfo 2.1", async () => {
    expect((await get("/.well-known/host-meta")).body).toContain(`${origin}/.well-known/webfinger?resource={uri}`);
    const links = JSON.parse((await get("/.well-known/nodeinfo")).body).links;
    expect(links[0].rel).toBe("http://nodeinfo.diaspora.software/ns/schema/2.1");
    const info = JSON.parse((await get("/nodeinfo/2.1")).body);
    expect(info).toMatchObject({ version: "2.1", software: { name: "kith" }, protocols: ["activitypub"], usage: { users: { total: 1 }, localPosts: 2 } });
  });

  it("the actor: ActivityStreams to AP clients with an RSA key and an Ed25519 key, HTML to browsers", async () => {
    const res = await get("/users/alice", AP);
    expect(res.headers["content-type"]).toContain("application/activity+json");
    const actor = JSON.parse(res.body);
    expect(actor).toMatchObject({
      id: `${origin}/users/alice`,
      type: "Person",
      preferredUsername: "alice",
      inbox: `${origin}/users/alice/inbox`,
      outbox: `${origin}/users/alice/outbox`,
      followers: `${origin}/users/alice/followers`,
      following: `${origin}/users/alice/following`,
      featured: `${origin}/users/alice/collections/featured`,
      endpoints: { sharedInbox: `${origin}/inbox` },
      manuallyApprovesFollowers: false,
      publicKey: { id: `${origin}/users/alice#main-key`, owner: `${origin}/users/alice` },
    });
    expect(actor.publicKey.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const multikeys = [actor.assertionMethod].flat();
    expect(multikeys.some((k: { publicKeyMultibase: string }) => k.publicKeyMultibase.startsWith("z6Mk"))).toBe(true); // Ed25519

    const html = await get("/users/alice", "text/html");
    expect(html.statusCode).toBe(200);
    expect(html.headers["content-type"]).toContain("text/html");
    expect(html.body).toContain(`@alice@${host}`);
  });

  it("collections: outbox, followers, following, featured", async () => {
    const outbox = JSON.parse((await get("/users/alice/outbox", AP)).body);
    expect(outbox).toMatchObject({ type: "OrderedCollection", totalItems: 2 });
    const page = JSON.parse((await get(outbox.first, AP)).body);
    const items = page.orderedItems as { type: string; object: { id: string } }[];
    expect(items.map((i) => i.object.id)).toEqual([publicPost.uri]); // followers-only posts stay out
    expect(JSON.parse((await get("/users/alice/followers", AP)).body)).toMatchObject({ totalItems: 0 });
    expect(JSON.parse((await get("/users/alice/following", AP)).body)).toMatchObject({ totalItems: 0 });
    expect(JSON.parse((await get("/users/alice/collections/featured", AP)).body).type).toMatch(/Collection/);
  });

  it("a post: a Note to AP clients, HTML to browsers; followers-only posts are not served anonymously", async () => {
    const note = JSON.parse((await get(new URL(publicPost.uri).pathname, AP)).body);
    expect(note).toMatchObject({ id: publicPost.uri, type: "Note", attributedTo: `${origin}/users/alice`, to: "as:Public" });
    expect([note.tag].flat()).toEqual(expect.arrayContaining([expect.objectContaining({ type: "Hashtag", name: "#world" })]));
    const html = await get(new URL(publicPost.uri).pathname, "text/html");
    expect(html.headers["content-type"]).toContain("text/html");
    expect(html.body).toContain("hello");
    const hidden = await get(new URL(privatePost.uri).pathname, AP);
    expect(hidden.statusCode).toBeGreaterThanOrEqual(401);
    expect(hidden.body).not.toContain("friends only");
    expect((await get(new URL(privatePost.uri).pathname, "text/html")).body).not.toContain("friends only");
  });
});

describe("client API entities have Mastodon's shape", () => {
  const keysOf = (o: object) => Object.keys(o).sort();

  it("Account, CredentialAccount and Status carry every field Mastodon documents", async () => {
    const me = JSON.parse((await get("/api/v1/accounts/verify_credentials", undefined, token)).body);
    for (const key of keysOf(fixture("entity-account.json"))) expect(me).toHaveProperty(key);
    for (const key of keysOf(fixture("entity-credential-account.json"))) expect(me).toHaveProperty(key);
    expect(me.source).toMatchObject({ privacy: "public", note: expect.any(String), fields: [] });

    const status = JSON.parse((await get(`/api/v1/statuses/${publicPost.id}`, undefined, token)).body);
    for (const key of keysOf(fixture("entity-status.json"))) expect(status).toHaveProperty(key);
    expect(typeof status.id).toBe("string");
    expect(status.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it("Relationship carries every field Mastodon documents", async () => {
    const other = await kith.core.accounts.createLocal("bob");
    const [rel] = JSON.parse((await get(`/api/v1/accounts/relationships?id[]=${other.id}`, undefined, token)).body);
    for (const key of keysOf(fixture("entity-relationship.json"))) expect(rel).toHaveProperty(key);
  });
});
