import { verifyRequest } from "@fedify/fedify";
import { getDocumentLoader } from "@fedify/vocab-runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KithInstance, type TestAccount } from "./helpers/instance.ts";
import { newRsaKey, RemoteServer, type Json, type RemoteActor } from "./helpers/remote-actor.ts";
import { waitFor } from "./helpers/wait.ts";

// One real Kith instance and a fake Mastodon-like server (two, for
// cross-host cases) on loopback. Everything Kith stored is observed through
// the Mastodon client API. The inbox worker runs with concurrency 1, so jobs
// are handled in the order they were accepted: when a valid "control"
// activity sent after a bad one has become visible, the bad one has been
// handled too, and its absence proves it was dropped.

let K: KithInstance;
let R: RemoteServer; // the remote server of alice and bob
let R2: RemoteServer; // another host: eve and mallory
let local: TestAccount;
let alice: RemoteActor;
let bob: RemoteActor;
let eve: RemoteActor;
let localUri: string;
let sharedInbox: string;
let aliceId: string; // alice's account id on Kith

const statusByUri = async (uri: string) => {
  const res = await K.api(local.token, "GET", `/api/v2/search?q=${encodeURIComponent(uri)}&type=statuses`);
  expect(res.status).toBe(200);
  return (res.body.statuses as Json[])[0] ?? null;
};
const accountStatuses = async (id: string) => (await K.api(local.token, "GET", `/api/v1/accounts/${id}/statuses?limit=40`)).body as Json[];
const accountIdOf = async (acct: string) => {
  const res = await K.api(local.token, "GET", `/api/v1/accounts/lookup?acct=${encodeURIComponent(acct)}`);
  return res.status === 200 ? (res.body.id as string) : null;
};

/** Sends a valid public note from alice and waits until Kith shows it: every job queued before it is done. */
async function control(label: string): Promise<Json> {
  const note = R.note(alice, { content: `<p>control ${label}</p>` });
  const res = await R.deliver(sharedInbox, R.create(alice, note));
  expect(res.status).toBe(202);
  return waitFor(() => statusByUri(note.id), `control note ${label} to be stored`);
}

/** Asserts that nothing exists under these note URIs (after a control has passed through the queue). */
async function expectNotStored(label: string, ...uris: string[]) {
  await control(label);
  for (const uri of uris) expect(await statusByUri(uri), `${uri} must not be stored`).toBeNull();
}

beforeAll(async () => {
  [K, R, R2] = await Promise.all([KithInstance.create("inbox_sec", { KITH_WORKER_CONCURRENCY: "1" }), RemoteServer.start(), RemoteServer.start()]);
  await K.start();
  local = await K.createAccount("local");
  localUri = `${K.origin}/users/local`;
  sharedInbox = `${K.origin}/inbox`;
  alice = R.addActor("alice");
  bob = R.addActor("bob");
  eve = R2.addActor("eve");
}, 120_000);

afterAll(async () => {
  // KITH_TEST_DUMP_LOGS=1 prints the instance's log (with KITH_TEST_LOG_LEVEL=debug for Fedify's reasons).
  if (process.env.KITH_TEST_DUMP_LOGS) console.log(K?.logs.join(""));
  await Promise.all([K?.destroy(), R?.close(), R2?.close()]);
});

describe("accepted: valid, signed activities", () => {
  it("a signed Follow makes the remote actor a follower, and Kith sends an Accept", async () => {
    const follow = R.follow(alice, localUri);
    const res = await R.deliver(`${localUri}/inbox`, follow);
    expect(res.status).toBe(202);
    await waitFor(async () => (await K.api(local.token, "GET", `/api/v1/accounts/${local.id}`)).body.followers_count === 1, "local to have 1 follower");
    aliceId = (await accountIdOf(alice.acct))!;
    expect(aliceId).toBeTruthy();
    const rel = await K.api(local.token, "GET", `/api/v1/accounts/relationships?id[]=${aliceId}`);
    expect(rel.body[0]).toMatchObject({ followed_by: true });
    const accept = await waitFor(async () => R.inboxActivities("Accept").find((a) => a.object?.id === follow.id || a.object === follow.id), "an Accept to reach the fake server");
    expect(accept.actor).toBe(localUri);
    const delivered = R.received((r) => r.method === "POST" && r.json?.type === "Accept")[0]!;
    expect([alice.inbox, alice.sharedInbox].map((u) => new URL(u).pathname)).toContain(delivered.path);
    // The Accept is signed by local's key, verifiable by the recipient.
    const headers = new Headers();
    for (const [name, value] of Object.entries(delivered.headers)) if (typeof value === "string" && name !== "content-length" && name !== "connection") headers.set(name, value);
    const request = new Request(`${R.origin}${delivered.path}`, { method: "POST", headers, body: delivered.body });
    const key = await verifyRequest(request, { documentLoader: getDocumentLoader({ allowPrivateAddress: true }) });
    expect(key?.ownerId?.href).toBe(localUri);
    // Like Mastodon's Accept: the HTTP signature only, no Linked Data signature or integrity proof.
    expect(accept.signature).toBeUndefined();
    expect(accept.proof).toBeUndefined();
  });

  let publicNote: Json;
  it("a signed public Create{Note} appears in the public timeline, search and the author's statuses", async () => {
    publicNote = R.note(alice, { content: "<p>Hello Kith, a public note with <a href=\"http://127.0.0.1/tags/kith\" rel=\"tag\">#kith</a></p>", hashtags: ["kith"] });
    const res = await R.deliver(sharedInbox, R.create(alice, publicNote));
    expect(res.status).toBe(202);
    const found = await waitFor(() => statusByUri(publicNote.id), "the note to be searchable");
    expect(found).toMatchObject({ uri: publicNote.id, visibility: "public" });
    expect(found.account.acct).toBe(alice.acct);
    const timeline = (await K.api(null, "GET", "/api/v1/timelines/public?limit=40")).body as Json[];
    expect(timeline.map((s) => s.uri)).toContain(publicNote.id);
    expect((await accountStatuses(aliceId)).map((s) => s.uri)).toContain(publicNote.id);
  });

  it("the same activity delivered twice (at once and again later) is stored once", async () => {
    const note = R.note(alice, { content: "<p>delivered twice</p>" });
    const create = R.create(alice, note);
    const [a, b] = await Promise.all([R.deliver(sharedInbox, create), R.deliver(`${localUri}/inbox`, create)]);
    expect([a.status, b.status]).toEqual([202, 202]);
    await waitFor(() => statusByUri(note.id), "the note to be stored");
    expect((await R.deliver(sharedInbox, create)).status).toBe(202);
    await control("after duplicates");
    expect((await accountStatuses(aliceId)).filter((s) => s.uri === note.id)).toHaveLength(1);
    const timeline = (await K.api(null, "GET", "/api/v1/timelines/public?limit=40")).body as Json[];
    expect(timeline.filter((s) => s.uri === note.id)).toHaveLength(1);
  });

  it("HTML in a received note is sanitised: no script, no event handlers, no javascript: links", async () => {
    const note = R.note(alice, {
      content:
        '<p>safe <strong>bold</strong><script>alert("xss")</script><a href="https://example.com/" onclick="steal()">link</a>' +
        '<img src="x" onerror="alert(2)"><a href="javascript:alert(3)">js</a><span style="color:red" onmouseover="x()">s</span></p>',
      summary: "<b onclick=\"cw()\">cw</b>",
    });
    expect((await R.deliver(sharedInbox, R.create(alice, note))).status).toBe(202);
    const stored = await waitFor(() => statusByUri(note.id), "the note to be stored");
    const fetched = (await K.api(local.token, "GET", `/api/v1/statuses/${stored.id}`)).body as Json;
    for (const s of [stored, fetched]) {
      expect(s.content).toContain("<strong>bold</strong>");
      expect(s.content).toContain('href="https://example.com/"');
      expect(s.content).not.toMatch(/<script|onclick|onerror|onmouseover|javascript:|<img|style=/i);
      expect(s.content).not.toContain('alert("xss")');
      expect(s.spoiler_text).not.toMatch(/<|onclick/);
    }
  });

  it("Delete{Tombstone} from the author removes the note", async () => {
    const note = R.note(alice, { content: "<p>to be deleted</p>" });
    expect((await R.deliver(sharedInbox, R.create(alice, note))).status).toBe(202);
    const stored = await waitFor(() => statusByUri(note.id), "the note to be stored");
    expect((await R.deliver(sharedInbox, R.deleteNote(alice, note.id))).status).toBe(202);
    await waitFor(async () => (await statusByUri(note.id)) === null, "the note to be deleted");
    expect((await K.api(local.token, "GET", `/api/v1/statuses/${stored.id}`)).status).toBe(404);
    expect((await accountStatuses(aliceId)).map((s) => s.uri)).not.toContain(note.id);
  });

  it("a direct note mentioning the local user reaches only them", async () => {
    const note = R.note(alice, { visibility: "direct", mentions: [{ id: localUri, acct: `local@${K.host}` }], content: '<p><span class="h-card"><a href="' + localUri + '" class="u-url mention">@local</a></span> psst</p>' });
    expect((await R.deliver(`${localUri}/inbox`, R.create(alice, note))).status).toBe(202);
    const stored = await waitFor(() => statusByUri(note.id), "the direct note to be stored");
    expect(stored.visibility).toBe("direct");
    expect(stored.mentions.map((m: Json) => m.id)).toEqual([local.id]);
    const mentions = await waitFor(async () => ((await K.api(local.token, "GET", "/api/v1/notifications?types[]=mention")).body as Json[]).find((n) => n.status?.uri === note.id), "a mention notification");
    expect(mentions.account.acct).toBe(alice.acct);
    expect(((await K.api(null, "GET", "/api/v1/timelines/public?limit=40")).body as Json[]).map((s) => s.uri)).not.toContain(note.id);
    expect((await K.api(null, "GET", `/api/v1/statuses/${stored.id}`)).status).toBe(404);
  });

  it("Update{Note} from the author edits it", async () => {
    const note = R.note(alice, { content: "<p>first version</p>" });
    expect((await R.deliver(sharedInbox, R.create(alice, note))).status).toBe(202);
    const stored = await waitFor(() => statusByUri(note.id), "the note to be stored");
    const update = { "@context": note["@context"] ?? "https://www.w3.org/ns/activitystreams", id: `${note.id}#updates/${Date.now()}`, type: "Update", actor: alice.id, to: note.to, cc: note.cc, object: { ...note, content: "<p>second version</p>", updated: new Date().toISOString() } };
    expect((await R.deliver(sharedInbox, update)).status).toBe(202);
    await waitFor(async () => (await K.api(local.token, "GET", `/api/v1/statuses/${stored.id}`)).body.content?.includes("second version"), "the edit to show");
  });

  it("Like and Announce of a local status from the remote are counted", async () => {
    const post = await K.api(local.token, "POST", "/api/v1/statuses", { status: "local post to like", visibility: "public" });
    expect(post.status).toBe(200);
    expect((await R.deliver(sharedInbox, R.like(alice, post.body.uri))).status).toBe(202);
    expect((await R.deliver(sharedInbox, R.announce(alice, post.body.uri, { objectOwner: localUri }))).status).toBe(202);
    await waitFor(async () => {
      const s = (await K.api(local.token, "GET", `/api/v1/statuses/${post.body.id}`)).body;
      return s.favourites_count === 1 && s.reblogs_count === 1;
    }, "the like and the announce to be counted");
  });

  it("a public post reaches the follower with a Linked Data signature and a proof (it may be forwarded); a Like with its HTTP signature only", async () => {
    const post = await K.api(local.token, "POST", "/api/v1/statuses", { status: "forwardable public post", visibility: "public" });
    expect(post.status).toBe(200);
    const create = await waitFor(async () => R.inboxActivities("Create").find((a) => a.object?.id === post.body.uri), "the Create at alice's server");
    expect(create.signature).toMatchObject({ type: "RsaSignature2017", creator: `${localUri}#main-key` });
    expect(create.proof).toMatchObject({ type: "DataIntegrityProof", cryptosuite: "eddsa-jcs-2022" });

    const theirs = (await statusByUri(publicNote.id))!;
    expect((await K.api(local.token, "POST", `/api/v1/statuses/${theirs.id}/favourite`)).status).toBe(200);
    const like = await waitFor(async () => R.inboxActivities("Like").find((a) => a.object === publicNote.id), "the Like at alice's server");
    expect(like.actor).toBe(localUri);
    expect(like.signature).toBeUndefined();
    expect(like.proof).toBeUndefined();
    const delivered = R.received((r) => r.json?.id === like.id)[0]!;
    expect(delivered.headers.signature).toMatch(/keyId="[^"]+#main-key"/);
  });
});

describe("rejected at the door: bad or missing HTTP signatures", () => {
  // Each sends a Create whose note must never be stored.
  const attempt = async (label: string, options: Parameters<RemoteServer["deliver"]>[2], expected: number[]) => {
    const note = R.note(alice, { content: `<p>forged: ${label}</p>` });
    const res = await R.deliver(sharedInbox, R.create(alice, note), options);
    expect(expected, `${label}: got ${res.status} ${res.body}`).toContain(res.status);
    return note.id as string;
  };

  it("a body altered after signing is refused (Digest no longer matches)", async () => {
    const uri = await attempt("altered", { alterBody: (b) => b.replace("forged: altered", "forged: ALTERED") }, [400, 401]);
    await expectNotStored("altered body", uri);
  });

  it("a body altered after signing, with a recomputed Digest, is refused (signature no longer matches)", async () => {
    const uri = await attempt("altered+digest", { alterBodyAndDigest: (b) => b.replace("forged: altered+digest", "forged: other") }, [401]);
    await expectNotStored("altered body and digest", uri);
  });

  it("a signature made with a key the actor does not publish is refused", async () => {
    const uri = await attempt("wrong key", { wrongKey: true }, [401]);
    await expectNotStored("wrong key", uri);
  });

  it("a request signed with another actor's key (signer ≠ actor) is refused", async () => {
    // bob is on alice's server: Fedify's key-ownership check refuses it.
    const byBob = R.note(alice, { content: "<p>forged: signed by bob</p>" });
    const res = await R.deliver(sharedInbox, R.create(alice, byBob), { signAs: bob });
    expect(res.status).toBe(401);
    expect(res.body).toMatch(/signer and the actor do not match/);
    // eve is on another server: Kith's origin guard refuses it before Fedify.
    const uri2 = await attempt("signed by eve", { signAs: eve }, [401]);
    await expectNotStored("signer is not actor", byBob.id, uri2);
  });

  it("a stale Date (2 hours old) is refused", async () => {
    const uri = await attempt("stale", { date: new Date(Date.now() - 2 * 3600_000) }, [401]);
    await expectNotStored("stale date", uri);
  });

  it("an unsigned POST is refused", async () => {
    const uri = await attempt("unsigned", { unsigned: true }, [401]);
    await expectNotStored("unsigned", uri);
  });

  it("a body over KITH_MAX_BODY_BYTES (1 MiB) is refused with 413", async () => {
    const note = R.note(alice, { content: `<p>${"x".repeat(1_100_000)}</p>` });
    const res = await R.deliver(sharedInbox, R.create(alice, note));
    expect(res.status).toBe(413);
    await expectNotStored("oversized", note.id);
  });

  it("a key whose document claims another host's actor as owner cannot speak for that actor", async () => {
    // eve's server publishes a standalone key that says it belongs to alice (on another host).
    const forged = newRsaKey();
    const keyId = `${R2.origin}/keys/forged`;
    R2.serve(keyId, { "@context": "https://w3id.org/security/v1", id: keyId, type: "CryptographicKey", owner: alice.id, publicKeyPem: forged.publicKeyPem });
    const uri = await attempt("forged key owner", { keyId, privateKey: forged.privateKey }, [401]);
    // ...and an actor on eve's server whose embedded key claims alice as owner.
    const mallory = R2.addActor("mallory");
    R2.actors.get("mallory")!.extra.publicKey = { id: mallory.keyId, owner: alice.id, publicKeyPem: mallory.publicKeyPem };
    const uri2 = await attempt("actor key claims alice", { keyId: mallory.keyId, privateKey: mallory.privateKey }, [401]);
    await expectNotStored("forged key owner", uri, uri2);
  });
});

describe("rejected by the listeners: signed, but not the sender's to say", () => {
  it("a Create whose Note id is on another host than the actor stores nothing", async () => {
    // The note claims to live on R2 but is delivered by alice (R). Kith may
    // refetch it from R2, which serves it as alice's too: still not alice's to create.
    const noteId = R2.uniqueId("/users/eve/statuses");
    const note = R.note(alice, { id: noteId, content: "<p>foreign id</p>" });
    R2.serve(noteId, { "@context": "https://www.w3.org/ns/activitystreams", ...note });
    const res = await R.deliver(sharedInbox, R.create(alice, note, { id: R.uniqueId("/users/alice/statuses") + "/activity" }));
    expect(res.status).toBe(202);
    await expectNotStored("note on another host", noteId);
  });

  it("a Create with an embedded Note attributed to someone else stores nothing", async () => {
    const byBob = R.note(alice, { attributedTo: bob.id, content: "<p>bob never wrote this</p>" });
    const byEve = R.note(alice, { attributedTo: eve.id, content: "<p>eve never wrote this</p>" });
    expect((await R.deliver(sharedInbox, R.create(alice, byBob))).status).toBe(202);
    expect((await R.deliver(sharedInbox, R.create(alice, byEve))).status).toBe(202);
    await expectNotStored("misattributed notes", byBob.id, byEve.id);
  });

  it("a Delete of a note by someone who is not its author leaves the note alone", async () => {
    const note = R.note(alice, { content: "<p>alice's note that others try to delete</p>" });
    expect((await R.deliver(sharedInbox, R.create(alice, note))).status).toBe(202);
    await waitFor(() => statusByUri(note.id), "the note to be stored");
    // bob is on the same host; eve is not.
    expect((await R.deliver(sharedInbox, { ...R.deleteNote(bob, note.id), id: `${bob.id}#delete-${Date.now()}` })).status).toBe(202);
    expect((await R2.deliver(sharedInbox, { ...R2.deleteNote(eve, note.id), id: `${eve.id}#delete-${Date.now()}` })).status).toBe(202);
    await control("after foreign deletes");
    expect(await statusByUri(note.id)).not.toBeNull();
  });

  it("an Update of a note by someone who is not its author leaves the note alone", async () => {
    const note = R.note(alice, { content: "<p>alice's words</p>" });
    expect((await R.deliver(sharedInbox, R.create(alice, note))).status).toBe(202);
    const stored = await waitFor(() => statusByUri(note.id), "the note to be stored");
    // bob (same host) claims the note as his own, then as alice's.
    for (const attributedTo of [bob.id, alice.id]) {
      const update = { "@context": "https://www.w3.org/ns/activitystreams", id: `${bob.id}#updates/${Date.now()}${attributedTo.length}`, type: "Update", actor: bob.id, object: { ...note, attributedTo, content: "<p>bob's words</p>" } };
      expect((await R.deliver(sharedInbox, update)).status).toBe(202);
    }
    await control("after foreign updates");
    expect((await K.api(local.token, "GET", `/api/v1/statuses/${stored.id}`)).body.content).toContain("alice's words");
  });

  it("an activity id squatted by another host does not block the real activity", async () => {
    // eve predicts the id of alice's next Create and uses it for her own note.
    const aliceNote = R.note(alice, { content: "<p>alice's real note</p>" });
    const realCreate = R.create(alice, aliceNote);
    const eveNote = R2.note(eve, { content: "<p>eve squats an id</p>" });
    // Kith refetches an object whose id is on another origin than the activity's, so eve serves it.
    R2.serve(eveNote.id, { "@context": "https://www.w3.org/ns/activitystreams", ...eveNote });
    const squat = await R2.deliver(sharedInbox, R2.create(eve, eveNote, { id: realCreate.id }));
    expect(squat.status, squat.body).toBe(400);
    await control("after squatting");
    expect((await R.deliver(sharedInbox, realCreate)).status).toBe(202);
    await waitFor(() => statusByUri(aliceNote.id), "alice's real note to be stored");
  });

  it("an Undo of a follow by someone else does not remove the follower", async () => {
    const undo = R.undo(bob, { ...R.follow(alice, localUri), actor: alice.id });
    undo.actor = bob.id;
    expect((await R.deliver(`${localUri}/inbox`, undo)).status).toBe(202);
    await control("after foreign undo");
    expect((await K.api(local.token, "GET", `/api/v1/accounts/${local.id}`)).body.followers_count).toBe(1);
  });

  it("the inbox worker never failed on any of this", () => {
    expect(K.logs.join("")).not.toMatch(/Inbox listener failed|Failed to process the incoming activity/);
  });
});
