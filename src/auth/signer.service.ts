import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { SigningKeyRepository } from "./signing-key.repository.ts";

// Short-lived signed values for the browser side of OAuth: form tokens and
// sign-in sessions. A value is "payload.expiry.mac", the MAC covering a
// purpose too, so a form token can never pass for a session.

export class SignerService {
  private readonly keys: SigningKeyRepository;
  private readonly now: () => number;
  private key: Promise<Buffer> | null = null;

  constructor(keys: SigningKeyRepository, now: () => number = Date.now) {
    this.keys = keys;
    this.now = now;
  }

  private secret(): Promise<Buffer> {
    this.key ??= this.keys.getOrCreate(randomBytes(32).toString("base64url")).then((k) => Buffer.from(k, "base64url"));
    this.key.catch(() => (this.key = null));
    return this.key;
  }

  private async mac(purpose: string, body: string): Promise<Buffer> {
    return createHmac("sha256", await this.secret()).update(`${purpose}\n${body}`).digest();
  }

  async sign(purpose: string, payload: string[], ttlMs: number): Promise<string> {
    const body = `${Buffer.from(JSON.stringify(payload)).toString("base64url")}.${this.now() + ttlMs}`;
    return `${body}.${(await this.mac(purpose, body)).toString("base64url")}`;
  }

  /** The payload, if the value was signed here for this purpose and has not expired. */
  async verify(purpose: string, value: string | undefined): Promise<string[] | null> {
    const m = value ? /^([\w-]+)\.(\d{1,16})\.([\w-]+)$/.exec(value) : null;
    if (!m) return null;
    const expected = await this.mac(purpose, `${m[1]}.${m[2]}`);
    const given = Buffer.from(m[3]!, "base64url");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    if (Number(m[2]) <= this.now()) return null;
    try {
      const payload = JSON.parse(Buffer.from(m[1]!, "base64url").toString("utf8"));
      return Array.isArray(payload) && payload.every((p) => typeof p === "string") ? payload : null;
    } catch {
      return null;
    }
  }
}
