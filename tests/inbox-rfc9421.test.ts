import { signRequest } from "@fedify/fedify";
import { afterAll, beforeAll, expect, it } from "vitest";
import { KithInstance, type TestAccount } from "./helpers/instance.ts";
import { RemoteServer } from "./helpers/remote-actor.ts";
import { waitFor } from "./helpers/wait.ts";

// Servers that sign with RFC 9421 HTTP Message Signatures (newer Fedify-based
// servers do) are heard as well as draft-cavage ones; Kith itself answers
// unknown servers with draft-cavage first.

let K: KithInstance;
let R: RemoteServer;
let local: TestAccount;

beforeAll(async () => {
  K = await KithInstance.create("rfc9421");
  await K.start();
  R = await RemoteServer.start();
  local = await K.createAccount("nina");
}, 60_000);

afterAll(async () => {
  await R?.close();
  await K?.destroy();
});

it("accepts an RFC 9421-signed Follow, and answers with a draft-cavage signed Accept", async () => {
  const actor = R.addActor("modern");
  const follow = R.follow(actor, local.url);
  const body = JSON.stringify(follow);
  const key = await crypto.subtle.importKey("jwk", actor.privateKey.export({ format: "jwk" }), { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, true, ["sign"]);
  const unsigned = new Request(`${local.url}/inbox`, { method: "POST", headers: { "content-type": "application/activity+json" }, body });
  const signed = await signRequest(unsigned, key, new URL(actor.keyId), { spec: "rfc9421", body: new TextEncoder().encode(body).buffer as ArrayBuffer });
  expect(signed.headers.get("signature-input")).toBeTruthy();
  const res = await fetch(signed);
  expect(res.status).toBe(202);

  await waitFor(async () => (await K.api(local.token, "GET", "/api/v1/accounts/verify_credentials")).body.followers_count === 1, "the follow to be stored");
  const accept = await waitFor(async () => R.received((r) => r.method === "POST" && r.json?.type === "Accept")[0], "the Accept");
  expect(accept.headers.signature).toMatch(/keyId="[^"]+#main-key"/);
  expect(accept.headers["signature-input"]).toBeUndefined();
});

it("refuses an RFC 9421 signature over a body that was changed afterwards", async () => {
  const actor = R.addActor("tamperer");
  const follow = R.follow(actor, local.url);
  const body = JSON.stringify(follow);
  const key = await crypto.subtle.importKey("jwk", actor.privateKey.export({ format: "jwk" }), { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, true, ["sign"]);
  const signed = await signRequest(new Request(`${local.url}/inbox`, { method: "POST", headers: { "content-type": "application/activity+json" }, body }), key, new URL(actor.keyId), {
    spec: "rfc9421",
    body: new TextEncoder().encode(body).buffer as ArrayBuffer,
  });
  const tampered = new Request(signed, { body: body.replace("Follow", "Block") });
  expect((await fetch(tampered)).status).toBe(401);
});
