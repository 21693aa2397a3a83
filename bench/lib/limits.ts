import { generateKeyPairSync, sign, verify, createHash, type KeyObject } from "node:crypto";
import { median } from "./stats.ts";

// The machine's own limits, measured in the same run as the figures they
// frame: how fast one core signs and verifies RSA-2048 (SHA-256) signatures.

export type Rsa = { privateKey: KeyObject; publicKey: KeyObject; privateJwk: JsonWebKey };

export function rsaKey(): Rsa {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { privateKey, publicKey, privateJwk: privateKey.export({ format: "jwk" }) as JsonWebKey };
}

/** What Fedify signs for a draft-cavage POST: (request-target), host, content-type, date, digest. */
export function typicalSigningString(host = "127.1.1.1:4000"): Buffer {
  const digest = createHash("sha256").update("{}".repeat(800)).digest("base64");
  return Buffer.from(
    [
      "(request-target): post /inbox",
      `host: ${host}`,
      "content-type: application/activity+json",
      `date: ${new Date().toUTCString()}`,
      `digest: SHA-256=${digest}`,
    ].join("\n"),
  );
}

/** Runs `op` on one thread for `ms` (at most `max` times); returns operations per second. */
function rate(op: () => void, ms: number, max = 1_000_000): number {
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (n < max) {
    op();
    n++;
    if ((n & 15) === 0) {
      elapsed = performance.now() - start;
      if (elapsed >= ms) break;
    }
  }
  elapsed = performance.now() - start;
  return (n * 1000) / elapsed;
}

async function asyncRate(op: () => Promise<unknown>, ms: number, max = 1_000_000): Promise<number> {
  let n = 0;
  const start = performance.now();
  while (n < max && performance.now() - start < ms) {
    await op();
    n++;
  }
  return (n * 1000) / (performance.now() - start);
}

export type SigningRates = {
  /** node:crypto sign, cached KeyObject, one thread: the per-core limit. */
  signPerSecond: number;
  signRuns: number[];
  /** crypto.subtle.sign (what Fedify calls), cached CryptoKey, one at a time. */
  subtleSignPerSecond: number;
  /** node:crypto verify with a cached public key, one thread. */
  verifyPerSecond: number;
};

let rateKey: Rsa | undefined;

/** RSA-2048 signatures per second on this thread, for `msPerRun`: taken between the runs of a measurement too, as the machine's speed drifts. */
export function signRate(msPerRun: number): number {
  const key = (rateKey ??= rsaKey());
  const data = typicalSigningString();
  return rate(() => sign("sha256", data, key.privateKey), msPerRun);
}

export async function signingRates(msPerRun: number, runs: number): Promise<SigningRates> {
  const key = (rateKey ??= rsaKey());
  const data = typicalSigningString();
  rate(() => sign("sha256", data, key.privateKey), 100); // warm up
  const signRuns: number[] = [];
  for (let i = 0; i < runs; i++) signRuns.push(signRate(msPerRun));
  const cryptoKey = await crypto.subtle.importKey("jwk", key.privateJwk, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["sign"]);
  const subtleSignPerSecond = await asyncRate(() => crypto.subtle.sign("RSASSA-PKCS1-v1_5", cryptoKey, new Uint8Array(data)), msPerRun);
  const signature = sign("sha256", data, key.privateKey);
  const verifyPerSecond = rate(() => verify("sha256", data, key.publicKey, signature), msPerRun / 2);
  return { signPerSecond: median(signRuns), signRuns, subtleSignPerSecond, verifyPerSecond };
}
