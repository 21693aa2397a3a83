import { createECDH } from "node:crypto";
import type { SettingsService } from "../instance/settings.ts";

// The instance's VAPID key pair (RFC 8292): push services check that every
// push is signed by the key a subscription was made for, so the pair must
// never change once clients have subscribed. The operator may set it
// (KITH_VAPID_PUBLIC_KEY / KITH_VAPID_PRIVATE_KEY); otherwise Kith makes one
// on first need and keeps it in the settings table.

/** Both halves base64url without padding: the public key an uncompressed P-256 point (65 bytes), the private key 32 bytes. */
export type VapidKeyPair = { publicKey: string; privateKey: string };

const STORED_KEY = "webPushVapidKeys";

const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

/** Bytes of a base64url (or base64) string, or null when it is not one. */
export function base64urlBytes(text: string): Buffer | null {
  const normalized = text.replace(/\+/g, "-").replace(/\//g, "_");
  return BASE64URL.test(normalized) ? Buffer.from(normalized.replace(/=+$/, ""), "base64url") : null;
}

/** Whether the bytes are an uncompressed point on P-256 (0x04 ‖ x ‖ y); OpenSSL refuses points off the curve. */
export function isP256Point(bytes: Buffer | null): boolean {
  if (!bytes || bytes.length !== 65 || bytes[0] !== 0x04) return false;
  try {
    const ecdh = createECDH("prime256v1");
    ecdh.generateKeys();
    ecdh.computeSecret(bytes);
    return true;
  } catch {
    return false;
  }
}

function publicKeyOf(privateKey: Buffer): string {
  const ecdh = createECDH("prime256v1");
  ecdh.setPrivateKey(privateKey);
  return ecdh.getPublicKey().toString("base64url");
}

export function generateVapidKeys(): VapidKeyPair {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  // getPrivateKey drops leading zero bytes (one key in 256 has one); VAPID wants all 32.
  const privateKey = Buffer.alloc(32);
  const raw = ecdh.getPrivateKey();
  raw.copy(privateKey, 32 - raw.length);
  return { publicKey: ecdh.getPublicKey().toString("base64url"), privateKey: privateKey.toString("base64url") };
}

/** What is wrong with an operator's VAPID key pair (both or neither must be set, and they must match), or null. */
export function vapidKeyProblem(publicKey: string, privateKey: string): { variable: string; message: string } | null {
  if (!publicKey && !privateKey) return null;
  if (!publicKey) return { variable: "KITH_VAPID_PUBLIC_KEY", message: "must be set when KITH_VAPID_PRIVATE_KEY is" };
  if (!privateKey) return { variable: "KITH_VAPID_PRIVATE_KEY", message: "must be set when KITH_VAPID_PUBLIC_KEY is" };
  const pub = base64urlBytes(publicKey);
  if (!isP256Point(pub)) return { variable: "KITH_VAPID_PUBLIC_KEY", message: "must be an uncompressed P-256 public key, base64url (65 bytes)" };
  const priv = base64urlBytes(privateKey);
  if (!priv || priv.length !== 32) return { variable: "KITH_VAPID_PRIVATE_KEY", message: "must be a P-256 private key, base64url (32 bytes)" };
  let derived: string;
  try {
    derived = publicKeyOf(priv);
  } catch {
    return { variable: "KITH_VAPID_PRIVATE_KEY", message: "is not a valid P-256 private key" };
  }
  if (derived !== pub!.toString("base64url")) return { variable: "KITH_VAPID_PRIVATE_KEY", message: "does not belong to KITH_VAPID_PUBLIC_KEY" };
  return null;
}

/** The instance's key pair: the operator's, or the one Kith made and stored (the first process to store one wins). */
export class VapidKeys {
  private readonly configured: VapidKeyPair | null;
  private readonly settings: SettingsService;
  private pair: Promise<VapidKeyPair> | null = null;

  constructor(configured: VapidKeyPair | null, settings: SettingsService) {
    this.configured = configured;
    this.settings = settings;
  }

  get(): Promise<VapidKeyPair> {
    if (this.configured) return Promise.resolve(this.configured);
    this.pair ??= this.settings.internal(STORED_KEY, generateVapidKeys).catch((error: unknown) => {
      this.pair = null;
      throw error;
    });
    return this.pair;
  }

  async publicKey(): Promise<string> {
    return (await this.get()).publicKey;
  }
}
