import { createHash, timingSafeEqual, verify, type KeyObject } from "node:crypto";

// A draft-cavage HTTP signature check for the common inbox POST, with the
// rules Fedify's verifyRequestDraft applies: Date within the window, a
// SHA-256 Digest of the exact body, "(request-target)", "date" and "digest"
// among the signed headers, RSASSA-PKCS1-v1_5 over SHA-256. It says yes only
// when all of that holds with the key it is given; every other case is left
// to Fedify, which knows the rarer forms (RFC 9421, (created)/(expires),
// other digests, key refetch on rotation).

export type CavageRequest = {
  method: string;
  /** Path and query as received. */
  url: string;
  /** Lower-case header names, as Node gives them. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
};

const ALGORITHMS = new Set(["rsa-sha256", "hs2019"]);
const REQUIRED = ["(request-target)", "date", "digest"];

function header(request: CavageRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

/** The fields of a Signature header, or null if any part is not `name="value"` or `name=digits`. */
export function signatureFields(value: string): Map<string, string> | null {
  const fields = new Map<string, string>();
  for (const part of value.split(",")) {
    const m = /^\s*([A-Za-z]+)=(?:"([^"]*)"|(\d+))\s*$/.exec(part);
    if (!m) return null;
    fields.set(m[1]!, m[2] ?? m[3]!);
  }
  return fields;
}

function digestMatches(value: string, body: Buffer): boolean {
  let matched = false;
  for (const part of value.split(",")) {
    const at = part.indexOf("=");
    if (at < 0 || part.slice(0, at).trim().toLowerCase() !== "sha-256") return false;
    const claimed = Buffer.from(part.slice(at + 1).trim(), "base64");
    const actual = createHash("sha256").update(body).digest();
    if (claimed.length !== actual.length || !timingSafeEqual(claimed, actual)) return false;
    matched = true;
  }
  return matched;
}

/** A draft-cavage Signature header this check understands: the one form it verifies. */
export type CavageSignature = { keyId: string; names: string[]; signature: string };

/** The request's Signature header, or null when it is absent or in a form left to Fedify. */
export function parseCavage(request: CavageRequest): CavageSignature | null {
  if (request.headers["signature-input"] !== undefined || request.url.includes("?")) return null;
  const value = header(request, "signature");
  const fields = value ? signatureFields(value) : null;
  const keyId = fields?.get("keyId");
  const names = fields?.get("headers")?.split(/\s+/);
  const signature = fields?.get("signature");
  if (!fields || !keyId || !names || !signature || fields.has("created") || fields.has("expires")) return null;
  const algorithm = fields.get("algorithm")?.toLowerCase();
  if (algorithm !== undefined && !ALGORITHMS.has(algorithm)) return null;
  if (!REQUIRED.every((name) => names.includes(name))) return null;
  return { keyId, names, signature };
}

/** Whether `signed` (parsed from this request) holds with `key`, under Fedify's rules. */
export function verifyCavage(request: CavageRequest, signed: CavageSignature, key: KeyObject, options: { now: number; windowMs: number }): boolean {
  if (key.asymmetricKeyType !== "rsa") return false;
  const date = Date.parse(header(request, "date") ?? "");
  if (!Number.isFinite(date) || Math.abs(options.now - date) > options.windowMs) return false;
  const digest = header(request, "digest");
  if (!digest || !digestMatches(digest, request.body)) return false;
  const lines: string[] = [];
  for (const name of signed.names) {
    const v = name === "(request-target)" ? `${request.method.toLowerCase()} ${request.url}` : header(request, name);
    if (v === undefined) return false;
    lines.push(`${name}: ${v}`);
  }
  return verify("sha256", Buffer.from(lines.join("\n")), key, Buffer.from(signed.signature, "base64"));
}
