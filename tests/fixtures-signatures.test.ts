import { readdirSync, readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { verifyRequest } from "@fedify/fedify";
import { Accept, Activity, Announce, Create, Delete, Follow, Like, Note, Question, Reject, Undo, Update, isActor } from "@fedify/vocab";
import { preloadedContexts, type DocumentLoader } from "@fedify/vocab-runtime";
import { describe, expect, it } from "vitest";
import { embedded } from "../federation/inbox/common.ts";
import { actorToData } from "../federation/mapping/actor.ts";
import { noteToData } from "../federation/mapping/note.ts";
import { screenInboxPost } from "../federation/inbox/origin-guard.ts";
import { toInstant } from "../src/temporal.ts";
import { fixturesDir } from "./helpers/fixtures.ts";

// The Misskey 2024.10.1 captures in tests/fixtures, checked offline:
// every signed request verifies with Fedify against the keys in the captured
// actor documents, tampering breaks it, and every inbox body parses and maps
// to what the domain expects. Nothing here touches the network.

const DIR = `${fixturesDir()}/misskey-2024.10.1`;

type Capture = { file: string; method: string; path: string; headers: Record<string, string>; body: any };

const captures: Capture[] = readdirSync(DIR)
  .filter((f) => f.startsWith("recv-") && f.endsWith(".json"))
  .sort()
  .map((file) => ({ file, ...JSON.parse(readFileSync(`${DIR}/${file}`, "utf8")) }));
const signed = captures.filter((c) => c.headers.signature);
const inbox = captures.filter((c) => c.file.startsWith("recv-inbox-"));
const byFile = (file: string) => captures.find((c) => c.file === file)!;

// Every document Misskey served (actors, notes, ...), by id.
const documents = new Map<string, any>();
for (const f of readdirSync(DIR).filter((f) => f.startsWith("doc-") && f.endsWith(".json"))) {
  const doc = JSON.parse(readFileSync(`${DIR}/${f}`, "utf8"));
  if (typeof doc.id === "string") documents.set(doc.id, doc);
}
const actorDoc = (id: string) => {
  const doc = documents.get(id);
  if (!doc) throw new Error(`no captured actor ${id}`);
  return doc;
};
const ALICE = "http://127.0.0.1:3001/users/attoknek0v1k0002";
const BOB = "http://127.0.0.1:3002/users/attoknuu1cmx0002";

const network: string[] = [];

/** Serves the captured documents (keys are fragments of actor ids) and refuses everything else. */
const documentLoader: DocumentLoader = async (url) => {
  const doc = documents.get(url.replace(/#.*$/, ""));
  if (!doc) {
    network.push(url);
    throw new Error(`offline: refusing to fetch ${url}`);
  }
  return { contextUrl: null, documentUrl: url, document: doc };
};

/** Fedify's preloaded JSON-LD contexts only. */
const contextLoader: DocumentLoader = async (url) => {
  const context = (preloadedContexts as Record<string, unknown>)[url];
  if (!context) {
    network.push(url);
    throw new Error(`offline: no preloaded context ${url}`);
  }
  return { contextUrl: null, documentUrl: url, document: context };
};

const loaders = { documentLoader, contextLoader };

function toRequest(c: Capture, body: string | null = c.body === null ? null : JSON.stringify(c.body), headers: Record<string, string> = c.headers): Request {
  const h = new Headers();
  for (const [name, value] of Object.entries(headers)) if (name !== "content-length" && name !== "connection") h.set(name, value);
  return new Request(`http://${headers.host}${c.path}`, { method: c.method, headers: h, body: c.method === "GET" || c.method === "HEAD" ? undefined : body });
}

const verify = (request: Request) => verifyRequest(request, { ...loaders, timeWindow: false });
const keyIdOf = (c: Capture) => /keyId="([^"]+)"/.exec(c.headers.signature!)![1]!;

describe("Misskey captures: HTTP signatures, offline", () => {
  it("has the 41 signed captures the fixtures README describes (and 6 unsigned)", () => {
    expect(signed).toHaveLength(41);
    expect(captures.length - signed.length).toBe(6);
  });

  it.each(signed.map((c) => [c.file, c] as const))("%s verifies with the captured actor key", async (_file, c) => {
    const key = await verify(toRequest(c));
    expect(key, `${c.file} should verify`).not.toBeNull();
    expect(key!.id?.href).toBe(keyIdOf(c));
    expect(key!.ownerId?.href).toBe(keyIdOf(c).replace(/#.*$/, ""));
  });

  it("every signed POST carries a Digest of exactly JSON.stringify(body)", () => {
    for (const c of signed.filter((c) => c.method === "POST")) {
      expect(c.headers.digest, c.file).toBe(`SHA-256=${createHash("sha256").update(JSON.stringify(c.body)).digest("base64")}`);
    }
  });

  const victim = byFile("recv-inbox-create-note-public.json");

  it("one byte changed in the body fails (Digest mismatch)", async () => {
    const body = JSON.stringify(victim.body);
    const i = body.indexOf("Hello");
    const altered = body.slice(0, i) + "J" + body.slice(i + 1);
    expect(altered).not.toBe(body);
    expect(await verify(toRequest(victim, altered))).toBeNull();
  });

  it("one byte changed in the body with a recomputed Digest fails (signature mismatch)", async () => {
    const altered = JSON.stringify(victim.body).replace("Hello", "Jello");
    const digest = `SHA-256=${createHash("sha256").update(altered).digest("base64")}`;
    expect(await verify(toRequest(victim, altered, { ...victim.headers, digest }))).toBeNull();
  });

  it("a signed header changed (date, host) fails", async () => {
    const date = new Date(Date.parse(victim.headers.date!) + 1000).toUTCString();
    expect(await verify(toRequest(victim, undefined, { ...victim.headers, date }))).toBeNull();
    expect(await verify(toRequest(victim, undefined, { ...victim.headers, host: "127.0.0.1:4196" }))).toBeNull();
  });

  it("another actor's key under the original keyId fails", async () => {
    const bobKey = actorDoc(BOB).publicKey.id;
    const signature = victim.headers.signature!.replace(keyIdOf(victim), bobKey);
    expect(await verify(toRequest(victim, undefined, { ...victim.headers, signature }))).toBeNull();
  });

  it("the time window applies when not switched off (the captures are from 2026)", async () => {
    expect(await verifyRequest(toRequest(victim), { ...loaders, currentTime: toInstant(new Date("2030-01-01T00:00:00Z")) })).toBeNull();
  });

  it("the captures pass Kith's inbox origin guard untouched", () => {
    for (const c of inbox) {
      const verdict = screenInboxPost(new Headers(c.headers), c.body);
      expect(verdict, c.file).toEqual({ action: "pass" });
    }
  });

  it("never went to the network", () => {
    expect(network).toEqual([]);
  });
});

// What each Create in the captures should become, per the fixtures README.
const expectedNotes: Record<string, { visibility: string; mentions?: string[]; tags?: string[]; attachments?: number; extra?: (d: any) => void }> = {
  "recv-inbox-create-note-public.json": { visibility: "public", tags: ["fixture"] },
  "recv-inbox-create-note-home.json": { visibility: "unlisted" },
  "recv-inbox-create-note-followers.json": { visibility: "private" },
  "recv-inbox-create-note-direct.json": { visibility: "direct", mentions: ["http://127.0.0.1:4195/users/cap"] },
  "recv-inbox-create-note-from-3002.json": { visibility: "public" },
  "recv-inbox-create-note-attachment.json": {
    visibility: "public",
    attachments: 1,
    extra: (d) =>
      expect(d.attachments[0]).toMatchObject({ type: "image", mediaType: "image/png", description: "a red square", url: "http://127.0.0.1:3001/files/766ffad7-5cb3-4937-9a9b-c5c3a183937d" }),
  },
  "recv-inbox-create-note-cw.json": { visibility: "public", extra: (d) => expect(d).toMatchObject({ spoilerText: "CW: spoilers", sensitive: true }) },
  "recv-inbox-create-note-mention-sharedinbox.json": { visibility: "public", mentions: ["http://127.0.0.2/users/men"] },
  "recv-inbox-create-note-mention-personal-inbox.json": { visibility: "public", mentions: ["http://127.0.0.2/users/men"] },
  "recv-inbox-create-note-mention-with-port.json": { visibility: "public", mentions: [] },
  "recv-inbox-create-note-mfm.json": { visibility: "public" },
  "recv-inbox-create-note-quote.json": { visibility: "public", extra: (d) => expect(d.content).toContain("RE: ") },
  "recv-inbox-create-note-reply-local.json": { visibility: "public", extra: (d) => expect(d.inReplyToUri).toBe("http://127.0.0.1:3001/notes/attqevfzvm5w0006") },
  "recv-inbox-create-note-reply-remote.json": { visibility: "public", mentions: ["http://127.0.0.1:4195/users/cap"], extra: (d) => expect(d.inReplyToUri).toBe("http://127.0.0.1:4195/notes/4") },
  "recv-inbox-create-question.json": { visibility: "public", extra: (d) => expect(d.content).toContain("Which one?") },
  "recv-inbox-create-poll-vote.json": { visibility: "direct", extra: (d) => expect(d.inReplyToUri).toBe("http://127.0.0.1:4195/notes/5") },
};

const expectedClass: Record<string, new (...args: any[]) => Activity> = {
  Create, Follow, Accept, Reject, Undo, Update, Delete, Like, Announce,
};

describe("Misskey captures: parsing and mapping, offline", () => {
  it.each(inbox.map((c) => [c.file, c] as const))("%s parses with Fedify", async (_file, c) => {
    const activity = await Activity.fromJsonLd(c.body, loaders);
    const cls = expectedClass[c.body.type];
    if (cls) expect(activity).toBeInstanceOf(cls);
    expect(activity.id?.href).toBe(c.body.id);
    expect(activity.actorId?.href).toBe(c.body.actor);
  });

  it("covers every Create in the captures", () => {
    const creates = inbox.filter((c) => c.body.type === "Create").map((c) => c.file).sort();
    expect(creates).toEqual(Object.keys(expectedNotes).sort());
  });

  it.each(Object.entries(expectedNotes))("%s maps through noteToData", async (file, expected) => {
    const c = byFile(file);
    const create = (await Activity.fromJsonLd(c.body, loaders)) as Create;
    const object = await create.getObject(loaders);
    expect(object instanceof Note || object instanceof Question).toBe(true);
    const author = actorDoc(c.body.actor);
    const data = await noteToData(object!, author.followers);
    expect(data).not.toBeNull();
    expect(data!.uri).toBe(c.body.object.id);
    expect(data!.visibility).toBe(expected.visibility);
    expect(data!.mentionUris).toEqual(expected.mentions ?? []);
    expect(data!.tags).toEqual(expected.tags ?? []);
    expect(data!.attachments).toHaveLength(expected.attachments ?? 0);
    if (c.body.object.published) expect(data!.published.toISOString()).toBe(new Date(c.body.object.published).toISOString());
    expect(object!.attributionId?.href).toBe(c.body.actor);
    expected.extra?.(data);
  });

  it("Undo{Follow} and Reject{Follow} expose the inner Follow's actor and object (ids are re-synthesized)", async () => {
    const undo = (await Activity.fromJsonLd(byFile("recv-inbox-undo-follow.json").body, loaders)) as Undo;
    expect(await embedded(undo)).toEqual({
      id: "http://127.0.0.1:3001/follows/attoknek0v1k0002/attqed3zvm5w0003",
      type: "Follow",
      actor: ALICE,
      object: "http://127.0.0.1:4195/users/cap",
    });
    const reject = (await Activity.fromJsonLd(byFile("recv-inbox-reject-follow-on-block.json").body, loaders)) as Reject;
    const inner = await embedded(reject);
    expect(inner).toMatchObject({ type: "Follow", actor: "http://127.0.0.1:4195/users/cap", object: ALICE });
    const undoLike = (await Activity.fromJsonLd(byFile("recv-inbox-undo-like.json").body, loaders)) as Undo;
    expect(await embedded(undoLike)).toMatchObject({ type: "Like", actor: ALICE, object: "http://127.0.0.1:4195/notes/4" });
  });

  it("Update{Person} maps through actorToData", async () => {
    const c = byFile("recv-inbox-update-person.json");
    const update = (await Activity.fromJsonLd(c.body, loaders)) as Update;
    const person = await update.getObject(loaders);
    expect(isActor(person)).toBe(true);
    const data = await actorToData(person as any);
    expect(data).toMatchObject({
      uri: ALICE,
      username: "alice",
      domain: "127.0.0.1:3001",
      displayName: "Alice Fixture",
      inboxUrl: `${ALICE}/inbox`,
      sharedInboxUrl: "http://127.0.0.1:3001/inbox",
      followersUrl: `${ALICE}/followers`,
      fields: [{ name: "Website", value: expect.stringContaining("https://example.com/") }],
    });
  });

  it("never went to the network", () => {
    expect(network).toEqual([]);
  });
});
