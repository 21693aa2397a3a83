import { createHash, generateKeyPairSync, sign, type KeyObject } from "node:crypto";

// How Mastodon shapes and signs what it sends: its @context, and draft-cavage
// HTTP signatures (rsa-sha256 over (request-target) host date digest
// content-type). Shared by the fake remote servers of the tests and the
// load generator of the benchmarks.

export const AS = "https://www.w3.org/ns/activitystreams";
export const PUBLIC = `${AS}#Public`;

/** The @context Mastodon puts on every top-level document. */
export const MASTODON_CONTEXT = [
  AS,
  "https://w3id.org/security/v1",
  {
    manuallyApprovesFollowers: "as:manuallyApprovesFollowers",
    toot: "http://joinmastodon.org/ns#",
    featured: { "@id": "toot:featured", "@type": "@id" },
    featuredTags: { "@id": "toot:featuredTags", "@type": "@id" },
    alsoKnownAs: { "@id": "as:alsoKnownAs", "@type": "@id" },
    movedTo: { "@id": "as:movedTo", "@type": "@id" },
    schema: "http://schema.org#",
    PropertyValue: "schema:PropertyValue",
    value: "schema:value",
    discoverable: "toot:discoverable",
    indexable: "toot:indexable",
    sensitive: "as:sensitive",
    Hashtag: "as:Hashtag",
    Emoji: "toot:Emoji",
    focalPoint: { "@container": "@list", "@id": "toot:focalPoint" },
    blurhash: "toot:blurhash",
  },
];

export const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("base64");

export function newRsaKey(): { privateKey: KeyObject; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { privateKey, publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString() };
}

/** Mastodon-style draft-cavage signature headers for a POST. */
export function signPost(
  url: string,
  body: string | Buffer,
  keyId: string,
  privateKey: KeyObject,
  options: { date?: Date; contentType?: string } = {},
): Record<string, string> {
  const u = new URL(url);
  const headers: Record<string, string> = {
    host: u.host,
    date: (options.date ?? new Date()).toUTCString(),
    digest: `SHA-256=${sha256(body)}`,
    "content-type": options.contentType ?? "application/activity+json",
  };
  const names = ["(request-target)", "host", "date", "digest", "content-type"];
  const signingString = names
    .map((n) => (n === "(request-target)" ? `(request-target): post ${u.pathname}${u.search}` : `${n}: ${headers[n]}`))
    .join("\n");
  const signature = sign("sha256", Buffer.from(signingString), privateKey).toString("base64");
  headers.signature = `keyId="${keyId}",algorithm="rsa-sha256",headers="${names.join(" ")}",signature="${signature}"`;
  return headers;
}
