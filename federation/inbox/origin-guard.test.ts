import { describe, expect, it } from "vitest";
import { screenInboxPost, signatureKeyIds } from "./origin-guard.ts";

const A = "https://a.example";
const body = (json: unknown) => json;
const cavage = (keyId: string) => new Headers({ signature: `keyId="${keyId}",algorithm="rsa-sha256",headers="(request-target) host date digest",signature="c2ln"` });
const create = { id: `${A}/notes/1/activity`, type: "Create", actor: `${A}/users/alice`, object: { id: `${A}/notes/1`, type: "Note" } };

describe("screenInboxPost", () => {
  it("passes an activity whose id and key live on the actor's host", () => {
    expect(screenInboxPost(cavage(`${A}/users/alice#main-key`), body(create))).toEqual({ action: "pass" });
  });

  it("refuses an activity id on another host than the actor (400)", () => {
    const verdict = screenInboxPost(cavage(`${A}/users/alice#main-key`), body({ ...create, id: "https://b.example/activities/1" }));
    expect(verdict).toMatchObject({ action: "reject", status: 400 });
  });

  it("refuses an HTTP signature by a key on another host (401)", () => {
    expect(screenInboxPost(cavage("https://b.example/users/mallory#main-key"), body(create))).toMatchObject({ action: "reject", status: 401 });
    expect(screenInboxPost(cavage("https://a.example.evil.test/k"), body(create))).toMatchObject({ action: "reject", status: 401 });
  });

  it("reads RFC 9421 keyids", () => {
    const headers = new Headers({ "signature-input": `sig1=("@method" "@target-uri");created=1;keyid="https://b.example/k";alg="rsa-v1_5-sha256"`, signature: "sig1=:c2ln:" });
    expect(signatureKeyIds(headers)).toEqual(["https://b.example/k"]);
    expect(screenInboxPost(headers, body(create))).toMatchObject({ action: "reject", status: 401 });
  });

  it("lets a forwarded activity rely on its author's own Linked Data signature", () => {
    const forwarded = { ...create, signature: { type: "RsaSignature2017", creator: `${A}/users/alice#main-key`, signatureValue: "x" } };
    expect(screenInboxPost(cavage("https://relay.example/actor#main-key"), body(forwarded))).toEqual({ action: "dropHttpSignature" });
  });

  it("refuses a Linked Data signature or proof made with a key on another host", () => {
    const ld = { ...create, signature: { type: "RsaSignature2017", creator: "https://b.example/users/m#main-key", signatureValue: "x" } };
    expect(screenInboxPost(cavage(`${A}/users/alice#main-key`), body(ld))).toMatchObject({ action: "reject", status: 401 });
    const proof = { ...create, proof: [{ type: "DataIntegrityProof", verificationMethod: "https://b.example/users/m#ed25519-key" }] };
    expect(screenInboxPost(cavage(`${A}/users/alice#main-key`), body(proof))).toMatchObject({ action: "reject", status: 401 });
  });

  it("reads the first actor of an array or an embedded actor, as Fedify does", () => {
    expect(screenInboxPost(cavage("https://b.example/k"), body({ ...create, actor: [`${A}/users/alice`, "https://b.example/u"] }))).toMatchObject({ action: "reject" });
    expect(screenInboxPost(cavage(`${A}/k`), body({ ...create, actor: { id: `${A}/users/alice`, type: "Person" } }))).toEqual({ action: "pass" });
  });

  it("leaves what it cannot read to Fedify", () => {
    expect(screenInboxPost(new Headers(), new TextEncoder().encode("not json"))).toEqual({ action: "pass" });
    expect(screenInboxPost(new Headers(), body({ type: "Create" }))).toEqual({ action: "pass" });
    expect(screenInboxPost(new Headers(), undefined)).toEqual({ action: "pass" });
  });
});
