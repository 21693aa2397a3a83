import { createHash, createPublicKey, type KeyObject } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCavage, verifyCavage, type CavageRequest } from "../federation/inbox/cavage-verify.ts";
import { fixturesDir } from "./helpers/fixtures.ts";
import { KithInstance, REDIS, type TestAccount } from "./helpers/instance.ts";
import { newRsaKey, RemoteServer, type Json, type RemoteActor } from "./helpers/remote-actor.ts";
import { waitFor } from "./helpers/wait.ts";

// The inbox fast path (federation/inbox/fast-accept.ts) verifies the common
// draft-cavage request itself instead of letting Fedify expand the activity as
// JSON-LD. First its signature check on the real Misskey captures, offline;
// then a real Kith: the fast path is taken for a known key (shown by removing
// every other way the key could be found), and what it cannot vouch for still
// goes through Fedify (rotated key) or is refused (signer ≠ actor).

const DIR = `${fixturesDir()}/misskey-2024.10.1`;
const HOUR = 3_600_000;

type Capture = { file: string; method: string; path: string; headers: Record<string, string>; body: unknown };
const posts: Capture[] = readdirSync(DIR)
  .filter((f) => f.startsWith("recv-inbox-") && f.endsWith(".json"))
  .sort()
  .map((file) => ({ file, ...JSON.parse(readFileSync(`${DIR}/${file}`, "utf8")) }))
  .filter((c: Capture) => c.method === "POST" && c.headers.signature);

const keys = new Map<string, KeyObject>();
for (const f of readdirSync(DIR).filter((f) => f.startsWith("doc-") && f.endsWith(".json"))) {
  const doc = JSON.parse(readFileSync(`${DIR}/${f}`, "utf8"));
  if (doc.publicKey?.id) keys.set(doc.publicKey.id, createPublicKey(doc.publicKey.publicKeyPem));
}
const keyIdOf = (c: Capture) => /keyId="([^"]+)"/.exec(c.headers.signature!)![1]!;

function asRequest(c: Capture, change: { body?: string; headers?: Record<string, string | undefined>; url?: string } = {}): CavageRequest {
  return { method: c.method, url: change.url ?? c.path, headers: { ...c.headers, ...change.headers }, body: Buffer.from(change.body ?? JSON.stringify(c.body)) };
}
function check(c: Capture, request = asRequest(c), key = keys.get(keyIdOf(c))!, now = Date.parse(c.headers.date!)): boolean {
  const signed = parseCavage(request);
  return signed !== null && verifyCavage(request, signed, key, { now, windowMs: HOUR });
}

describe("the fast path's draft-cavage check, on Misskey's signed inbox POSTs", () => {
  const victim = posts.find((c) => c.file === "recv-inbox-create-note-public.json")!;
  const digestOf = (body: string) => `SHA-256=${createHash("sha256").update(body).digest("base64")}`;

  it("verifies every captured inbox POST with the sender's published key", () => {
    expect(posts.length).toBeGreaterThan(20);
    for (const c of posts) expect(check(c), c.file).toBe(true);
  });

  it("refuses a changed body, with or without a matching Digest", () => {
    const altered = JSON.stringify(victim.body).replace("Hello", "Jello");
    expect(altered).not.toBe(JSON.stringify(victim.body));
    expect(check(victim, asRequest(victim, { body: altered }))).toBe(false);
    expect(check(victim, asRequest(victim, { body: altered, headers: { digest: digestOf(altered) } }))).toBe(false);
  });

  it("refuses another key, another path, a signed header changed, and a Date outside the hour", () => {
    const other = [...keys.entries()].find(([id]) => id !== keyIdOf(victim))![1];
    expect(check(victim, asRequest(victim), other)).toBe(false);
    expect(check(victim, asRequest(victim, { url: victim.path === "/inbox" ? "/users/cap/inbox" : "/inbox" }))).toBe(false);
    expect(check(victim, asRequest(victim, { headers: { host: "127.0.0.1:1" } }))).toBe(false);
    const date = Date.parse(victim.headers.date!);
    expect(check(victim, asRequest(victim), undefined, date + HOUR + 1000)).toBe(false);
    expect(check(victim, asRequest(victim), undefined, date - HOUR - 1000)).toBe(false);
    expect(check(victim, asRequest(victim), undefined, date + HOUR - 1000)).toBe(true);
  });

  it("leaves to Fedify what it does not handle: RFC 9421, a query, (created), other digests, unsigned digest", () => {
    expect(check(victim, asRequest(victim, { headers: { "signature-input": 'sig1=("@method");keyid="x"' } }))).toBe(false);
    expect(check(victim, asRequest(victim, { url: `${victim.path}?x=1` }))).toBe(false);
    const sig = victim.headers.signature!;
    expect(check(victim, asRequest(victim, { headers: { signature: `${sig},created=1` } }))).toBe(false);
    expect(check(victim, asRequest(victim, { headers: { digest: `SHA-512=${createHash("sha512").update(JSON.stringify(victim.body)).digest("base64")}` } }))).toBe(false);
    expect(check(victim, asRequest(victim, { headers: { signature: sig.replace("digest", "") } }))).toBe(false);
    expect(check(victim, asRequest(victim, { headers: { signature: sig.replace('algorithm="rsa-sha256"', 'algorithm="ed25519"') } }))).toBe(false);
  });
});

describe("the fast path in a running Kith", () => {
  let K: KithInstance;
  let R: RemoteServer;
  let local: TestAccount;
  let alice: RemoteActor;
  let bob: RemoteActor;
  const redis = new Redis(REDIS);

  const statusByUri = async (uri: string) => {
    const res = await K.api(local.token, "GET", `/api/v2/search?q=${encodeURIComponent(uri)}&type=statuses`);
    return ((res.body.statuses as Json[]) ?? [])[0] ?? null;
  };

  /** Forgets every key and document Fedify cached in its KV store, so only Kith's stored keys remain. */
  async function forgetFedifyCache() {
    let cursor = "0";
    do {
      const [next, found] = await redis.scan(cursor, "MATCH", `${K.env.REDIS_PREFIX}:kv:*`, "COUNT", 500);
      cursor = next;
      if (found.length) await redis.del(...found);
    } while (cursor !== "0");
  }

  beforeAll(async () => {
    [K, R] = await Promise.all([KithInstance.create("inbox_fast"), RemoteServer.start()]);
    await K.start();
    local = await K.createAccount("local");
    alice = R.addActor("alice");
    bob = R.addActor("bob");
    for (const actor of [alice, bob]) {
      expect((await R.deliver(`${K.origin}/inbox`, R.follow(actor, `${K.origin}/users/local`))).status).toBe(202);
    }
    await waitFor(async () => (await K.api(local.token, "GET", `/api/v1/accounts/${local.id}`)).body.followers_count === 2 || null, "both follows");
  }, 120_000);

  afterAll(async () => {
    redis.disconnect();
    await Promise.all([K?.destroy(), R?.close()]);
  });

  it("accepts a known actor's note with the key Kith stored, with the actor's server gone", async () => {
    await forgetFedifyCache();
    R.actors.delete(alice.username);
    try {
      const note = R.note(alice, { content: "<p>fast</p>" });
      const signer = { keyId: alice.keyId, privateKey: alice.privateKey };
      const res = await R.deliver(`${K.origin}/inbox`, R.create(alice, note), signer);
      expect(res.status).toBe(202);
      await waitFor(() => statusByUri(note.id), "the note to be stored");
      const personal = R.note(alice, { content: "<p>fast, personal inbox</p>" });
      expect((await R.deliver(`${K.origin}/users/local/inbox`, R.create(alice, personal), signer)).status).toBe(202);
      await waitFor(() => statusByUri(personal.id), "the note sent to the personal inbox to be stored");
    } finally {
      R.actors.set(alice.username, alice);
    }
  });

  it("still accepts a note signed with a rotated key (Fedify fetches the new one)", async () => {
    const fresh = newRsaKey();
    alice.privateKey = fresh.privateKey;
    alice.publicKeyPem = fresh.publicKeyPem;
    const note = R.note(alice, { content: "<p>new key</p>" });
    expect((await R.deliver(`${K.origin}/inbox`, R.create(alice, note))).status).toBe(202);
    await waitFor(() => statusByUri(note.id), "the note signed with the new key to be stored");
  });

  it("refuses bob's signature on alice's activity, though both keys are known", async () => {
    const note = R.note(alice, { content: "<p>forged</p>" });
    const res = await R.deliver(`${K.origin}/inbox`, R.create(alice, note), { signAs: bob });
    expect(res.status).toBe(401);
    const control = R.note(bob, { content: "<p>control</p>" });
    expect((await R.deliver(`${K.origin}/inbox`, R.create(bob, control))).status).toBe(202);
    await waitFor(() => statusByUri(control.id), "the control note");
    expect(await statusByUri(note.id)).toBeNull();
  });

  it("answers 404 for the inbox of nobody, even with a known key", async () => {
    const res = await R.deliver(`${K.origin}/users/nobody/inbox`, R.create(alice, R.note(alice)));
    expect(res.status).toBe(404);
  });
});
