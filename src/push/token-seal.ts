import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

// Mastodon puts the subscribing access token in every push (apps with several
// accounts tell them apart by it). Kith keeps tokens only as hashes, so the
// subscription holds the token sealed (AES-256-GCM) under a key derived from
// the VAPID private key: a copy of the database alone does not yield it when
// the operator keeps the VAPID key in the environment.

const INFO = "kith web push access token";

function keyFrom(vapidPrivateKey: string): Buffer {
  return Buffer.from(hkdfSync("sha256", Buffer.from(vapidPrivateKey, "base64url"), Buffer.alloc(0), INFO, 32));
}

export function sealToken(token: string, vapidPrivateKey: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyFrom(vapidPrivateKey), iv);
  const body = Buffer.concat([cipher.update(token, "utf8"), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64url");
}

/** The token, or null when it was sealed under another key (the VAPID key pair changed). */
export function openToken(sealed: string, vapidPrivateKey: string): string | null {
  const bytes = Buffer.from(sealed, "base64url");
  if (bytes.length < 28) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", keyFrom(vapidPrivateKey), bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}
