import { getDocumentLoader, verifyRequest } from "@fedify/fedify";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";
import { RemoteServer } from "./helpers/remote-actor.ts";
import { waitFor } from "./helpers/wait.ts";

// GoToSocial (and Mastodon in secure mode) answer unsigned ActivityPub GETs
// with 401. Kith signs its fetches with its instance actor, as Mastodon does.

let kith: InProcess;
let remote: RemoteServer;

beforeAll(async () => {
  kith = await startInProcess("signed_fetch");
  remote = await RemoteServer.start();
  remote.requireSignedGets = true;
}, 60_000);

afterAll(async () => {
  await remote?.close();
  await kith?.destroy();
});

it("resolves an account on a server that requires signed GETs, signing as the instance actor", async () => {
  const gts = remote.addActor("gts_user");
  const me = await kith.core.accounts.createLocal("hana");
  const token = await kith.core.tokens.issue(me.id);
  const res = await kith.app!.inject({ method: "GET", url: `/api/v2/search?resolve=true&q=${encodeURIComponent(`gts_user@${remote.host}`)}`, headers: { authorization: `Bearer ${token}` } });
  expect(JSON.parse(res.body).accounts.map((a: { acct: string }) => a.acct)).toEqual([`gts_user@${remote.host}`]);

  const get = remote.received((r) => r.method === "GET" && r.path === new URL(gts.id).pathname).at(-1)!;
  const origin = kith.core.config.publicUrl.origin;
  expect(get.headers.signature).toContain(`keyId="${origin}/users/instance.actor#main-key"`);

  // The signature verifies against the key the instance actor publishes.
  const headers = new Headers(Object.entries(get.headers).map(([k, v]) => [k, String(v)] as [string, string]));
  const request = new Request(`${remote.origin}${get.path}`, { method: "GET", headers });
  const key = await verifyRequest(request, { documentLoader: getDocumentLoader({ allowPrivateAddress: true }), contextLoader: getDocumentLoader({ allowPrivateAddress: true }), timeWindow: false });
  expect(key?.ownerId?.href).toBe(`${origin}/users/instance.actor`);

  const actor = await (await fetch(`${origin}/users/instance.actor`, { headers: { accept: "application/activity+json" } })).json();
  expect(actor.type).toBe("Application");
});

it("a stale remote account is answered at once from what we have and refreshed by a job", async () => {
  const user = remote.addActor("changes_name");
  const me = await kith.core.accounts.createLocal("ivo");
  const token = await kith.core.tokens.issue(me.id);
  const search = async () =>
    JSON.parse((await kith.app!.inject({ method: "GET", url: `/api/v2/search?resolve=true&q=${encodeURIComponent(`changes_name@${remote.host}`)}`, headers: { authorization: `Bearer ${token}` } })).body).accounts[0];
  const first = await search();
  expect(first.display_name).toBe("Remote changes_name");

  user.extra.name = "Renamed";
  const stored = (await kith.core.accounts.findByUri(user.id))!;
  await kith.core.accountRepo.updateProfile(stored.id, { fetchedAt: new Date(Date.now() - 2 * 86_400_000) });
  expect((await search()).display_name).toBe("Remote changes_name");
  await waitFor(async () => (await search()).display_name === "Renamed", "the background refresh");
});

it("fetches the object of a shared-inbox activity that only links it with a signed GET, as the instance actor", async () => {
  const author = remote.addActor("links_only");
  const note = remote.note(author, { content: "<p>Fetched, not embedded</p>" });
  remote.serve(note.id, { "@context": remote.create(author, note)["@context"], ...note });
  const origin = kith.core.config.publicUrl.origin;
  const res = await remote.deliver(`${origin}/inbox`, { ...remote.create(author, note), object: note.id });
  expect(res.status).toBe(202);
  await waitFor(async () => (await kith.core.statuses.findByUri(note.id)) !== null, "the linked post to be fetched and stored");
  const get = remote.received((r) => r.method === "GET" && r.path === new URL(note.id).pathname).at(-1)!;
  expect(get.headers.signature).toContain(`keyId="${origin}/users/instance.actor#main-key"`);
});
