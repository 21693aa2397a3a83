import { decodeMultibase, encodeMultibase, exportMultibaseKey, importMultibaseKey } from "@fedify/vocab-runtime";
import serialize from "json-canon";

// A person's own Ed25519 key, named as a did:key, and Data Integrity proofs
// (cryptosuite eddsa-jcs-2022) made with it over plain JSON documents. Fedify
// signs and verifies proofs on its vocabulary objects and fetches the key by
// URL; a did:key needs no fetch and the documents here (identity statements,
// archive manifests, pull-mode Moves) are raw JSON, so this does both itself.

type Json = Record<string, unknown>;

export type IdentityKey = { did: string; publicKey: CryptoKey; privateKey: CryptoKey | null };

/** What `kith accounts keygen` writes: the key in JWK, with its did:key beside it. */
export type IdentityKeyFile = { type: "KithIdentityKey"; did: string; privateKeyJwk: JsonWebKey };

const DID_KEY = "did:key:";

export async function generateIdentityKey(): Promise<IdentityKey> {
  const pair = (await crypto.subtle.generateKey("Ed25519", true, ["sign", "verify"])) as CryptoKeyPair;
  return { did: DID_KEY + (await exportMultibaseKey(pair.publicKey)), publicKey: pair.publicKey, privateKey: pair.privateKey };
}

export async function exportIdentityKeyFile(key: IdentityKey): Promise<IdentityKeyFile> {
  if (!key.privateKey) throw new TypeError("only a key with its private half can be written to a file");
  return { type: "KithIdentityKey", did: key.did, privateKeyJwk: await crypto.subtle.exportKey("jwk", key.privateKey) };
}

/** Reads a key file; null when it is not one, or its private half does not match its did:key. */
export async function importIdentityKeyFile(raw: unknown): Promise<IdentityKey | null> {
  const file = raw as Partial<IdentityKeyFile> | null;
  const jwk = file?.privateKeyJwk;
  if (!file || file.type !== "KithIdentityKey" || typeof file.did !== "string" || !jwk || jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || !jwk.d || !jwk.x) return null;
  try {
    const privateKey = await crypto.subtle.importKey("jwk", jwk, "Ed25519", true, ["sign"]);
    const publicKey = await crypto.subtle.importKey("jwk", { kty: "OKP", crv: "Ed25519", x: jwk.x }, "Ed25519", true, ["verify"]);
    const did = DID_KEY + (await exportMultibaseKey(publicKey));
    if (did !== file.did) return null;
    // A file whose x does not belong to its d would sign what nobody can verify.
    const probe = new TextEncoder().encode(did);
    if (!(await crypto.subtle.verify("Ed25519", publicKey, await crypto.subtle.sign("Ed25519", privateKey, probe), probe))) return null;
    return { did, publicKey, privateKey };
  } catch {
    return null;
  }
}

/** The public key a did:key names; null for anything but an Ed25519 did:key. */
export async function didKeyPublicKey(did: unknown): Promise<CryptoKey | null> {
  if (typeof did !== "string" || !/^did:key:z6Mk[1-9A-HJ-NP-Za-km-z]{40,50}$/.test(did)) return null;
  try {
    const key = await importMultibaseKey(did.slice(DID_KEY.length));
    return key.algorithm.name === "Ed25519" ? key : null;
  } catch {
    return null;
  }
}

async function hashData(document: Json, proofConfig: Json): Promise<Uint8Array<ArrayBuffer>> {
  const text = new TextEncoder();
  const configHash = await crypto.subtle.digest("SHA-256", text.encode(serialize(proofConfig)));
  const docHash = await crypto.subtle.digest("SHA-256", text.encode(serialize(document)));
  const out = new Uint8Array(64);
  out.set(new Uint8Array(configHash), 0);
  out.set(new Uint8Array(docHash), 32);
  return out;
}

/** The document with an eddsa-jcs-2022 proof made by the key (verificationMethod = its did:key). */
export async function signDocument<T extends Json>(document: T, key: IdentityKey, created = new Date()): Promise<T & { proof: Json }> {
  if (!key.privateKey) throw new TypeError("signing needs the private half of the identity key");
  const { proof: _old, ...unsecured } = document;
  const config: Json = {
    ...("@context" in unsecured ? { "@context": unsecured["@context"] } : {}),
    type: "DataIntegrityProof",
    cryptosuite: "eddsa-jcs-2022",
    // The did:key as a DID URL naming its one key, as did:key documents do.
    verificationMethod: `${key.did}#${key.did.slice(DID_KEY.length)}`,
    proofPurpose: "assertionMethod",
    created: new Date(Math.floor(created.getTime() / 1000) * 1000).toISOString().replace(".000Z", "Z"),
  };
  const signature = new Uint8Array(await crypto.subtle.sign("Ed25519", key.privateKey, await hashData(unsecured, config)));
  const { "@context": _ctx, ...proof } = config;
  proof.proofValue = new TextDecoder().decode(encodeMultibase("base58btc", signature));
  return { ...(unsecured as T), proof };
}

/**
 * The did:key whose key made the document's eddsa-jcs-2022 proof, or null if
 * there is no such proof or it does not verify. A verificationMethod may be
 * the did:key itself or that did:key with its key fragment.
 */
export async function verifyDocument(document: unknown): Promise<string | null> {
  if (!document || typeof document !== "object" || Array.isArray(document)) return null;
  const { proof, ...unsecured } = document as Json;
  const p = proof as Json | undefined;
  if (!p || typeof p !== "object" || p.type !== "DataIntegrityProof" || p.cryptosuite !== "eddsa-jcs-2022") return null;
  if (p.proofPurpose !== "assertionMethod" || typeof p.created !== "string" || typeof p.proofValue !== "string" || typeof p.verificationMethod !== "string") return null;
  const did = p.verificationMethod.split("#")[0]!;
  const publicKey = await didKeyPublicKey(did);
  if (!publicKey) return null;
  const { proofValue, ...config } = p;
  if ("@context" in unsecured) config["@context"] = unsecured["@context"];
  try {
    const signature = new Uint8Array(decodeMultibase(proofValue as string));
    return (await crypto.subtle.verify("Ed25519", publicKey, signature, await hashData(unsecured, config))) ? did : null;
  } catch {
    return null;
  }
}
