import { signObject } from "@fedify/fedify";
import { Note } from "@fedify/vocab";
import { describe, expect, it } from "vitest";
import { didKeyPublicKey, exportIdentityKeyFile, generateIdentityKey, importIdentityKeyFile, signDocument, verifyDocument } from "./identity-key.ts";

describe("identity keys", () => {
  it("signs a document so that only the same, unaltered document verifies, naming the signer", async () => {
    const key = await generateIdentityKey();
    expect(key.did).toMatch(/^did:key:z6Mk/);
    const signed = await signDocument({ type: "VerifiableIdentityStatement", subject: key.did, alsoKnownAs: "https://a.example/users/alice" }, key);
    expect(signed.proof).toMatchObject({ type: "DataIntegrityProof", cryptosuite: "eddsa-jcs-2022", proofPurpose: "assertionMethod" });
    expect(await verifyDocument(signed)).toBe(key.did);
    // Key order does not matter (JCS), content does.
    expect(await verifyDocument(JSON.parse(JSON.stringify({ alsoKnownAs: signed.alsoKnownAs, proof: signed.proof, subject: signed.subject, type: signed.type })))).toBe(key.did);
    expect(await verifyDocument({ ...signed, alsoKnownAs: "https://a.example/users/mallory" })).toBeNull();
    expect(await verifyDocument({ ...signed, proof: { ...signed.proof, created: "2020-01-01T00:00:00Z" } })).toBeNull();
    const other = await generateIdentityKey();
    expect(await verifyDocument({ ...signed, proof: { ...signed.proof, verificationMethod: other.did } })).toBeNull();
    expect(await verifyDocument({ type: "Note" })).toBeNull();
  });

  it("keeps @context in the proof configuration as eddsa-jcs-2022 says", async () => {
    const key = await generateIdentityKey();
    const signed = await signDocument({ "@context": ["https://www.w3.org/ns/activitystreams"], type: "Move", id: "https://b.example/m/1" }, key);
    expect(await verifyDocument(signed)).toBe(key.did);
    expect(await verifyDocument({ ...signed, "@context": "https://www.w3.org/ns/activitystreams" })).toBeNull();
  });

  it("verifies a proof Fedify made (the same cryptosuite, made independently)", async () => {
    const key = await generateIdentityKey();
    const note = new Note({ id: new URL("https://b.example/notes/1"), content: "hello" });
    const signed = await signObject(note, key.privateKey!, new URL(`${key.did}#${key.did.slice(8)}`));
    const json = (await signed.toJsonLd({ format: "compact" })) as Record<string, unknown>;
    expect(await verifyDocument(json)).toBe(key.did);
    expect(await verifyDocument({ ...json, content: "altered" })).toBeNull();
  });

  it("round-trips through its file and refuses a file whose halves do not match", async () => {
    const key = await generateIdentityKey();
    const file = await exportIdentityKeyFile(key);
    const back = await importIdentityKeyFile(JSON.parse(JSON.stringify(file)));
    expect(back?.did).toBe(key.did);
    const other = await exportIdentityKeyFile(await generateIdentityKey());
    expect(await importIdentityKeyFile({ ...file, privateKeyJwk: { ...file.privateKeyJwk, d: other.privateKeyJwk.d } })).toBeNull();
    expect(await importIdentityKeyFile({ ...file, did: other.did })).toBeNull();
    expect(await importIdentityKeyFile({ nonsense: true })).toBeNull();
    expect(await didKeyPublicKey("did:web:example.com")).toBeNull();
  });
});
