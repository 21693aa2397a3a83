import type { AccountRepository } from "./account.repository.ts";

// Signing keys of local actors, imported into CryptoKeys once per process and
// kept in memory: deliveries sign with a cached key and never re-parse one.

export const RSA = "RSASSA-PKCS1-v1_5";
export const ED25519 = "Ed25519";

export type LocalKeyPair = {
  algorithm: string;
  publicKey: CryptoKey;
  privateKey: CryptoKey;
  privateJwk: JsonWebKey;
};

export async function generateKeyMaterial(): Promise<{ algorithm: string; publicJwk: JsonWebKey; privateJwk: JsonWebKey }[]> {
  const rsa = (await crypto.subtle.generateKey(
    { name: RSA, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const ed = (await crypto.subtle.generateKey({ name: ED25519 }, true, ["sign", "verify"])) as CryptoKeyPair;
  const out = [];
  for (const [algorithm, pair] of [[RSA, rsa], [ED25519, ed]] as const) {
    out.push({
      algorithm,
      publicJwk: await crypto.subtle.exportKey("jwk", pair.publicKey),
      privateJwk: await crypto.subtle.exportKey("jwk", pair.privateKey),
    });
  }
  return out;
}

function importParams(algorithm: string) {
  return algorithm === RSA ? { name: RSA, hash: "SHA-256" } : { name: ED25519 };
}

export class KeyStore {
  private readonly cache = new Map<bigint, Promise<LocalKeyPair[]>>();

  private readonly accounts: AccountRepository;

  constructor(accounts: AccountRepository) {
    this.accounts = accounts;
  }

  /** RSA first: Mastodon and most servers only verify RSA signatures. */
  keyPairs(accountId: bigint): Promise<LocalKeyPair[]> {
    let hit = this.cache.get(accountId);
    if (!hit) {
      hit = this.load(accountId);
      this.cache.set(accountId, hit);
      hit.catch(() => this.cache.delete(accountId));
    }
    return hit;
  }

  private async load(accountId: bigint): Promise<LocalKeyPair[]> {
    const rows = await this.accounts.keysOf(accountId);
    rows.sort((a, b) => (a.algorithm === RSA ? -1 : b.algorithm === RSA ? 1 : 0));
    return Promise.all(
      rows.map(async (row) => {
        const params = importParams(row.algorithm);
        const privateJwk = row.privateJwk as JsonWebKey;
        return {
          algorithm: row.algorithm,
          privateJwk,
          privateKey: await crypto.subtle.importKey("jwk", privateJwk, params, true, ["sign"]),
          publicKey: await crypto.subtle.importKey("jwk", row.publicJwk as JsonWebKey, params, true, ["verify"]),
        };
      }),
    );
  }
}
