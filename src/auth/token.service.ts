import { createHash, randomBytes } from "node:crypto";
import { KithError } from "../errors.ts";
import type { TokenRepository } from "./token.repository.ts";

// Bearer tokens are stored as SHA-256 hashes: a leaked database row is not a
// usable credential.

export const DEFAULT_SCOPES = ["read", "write", "follow"];

export type Principal = { accountId: bigint | null; scopes: string[]; tokenId: bigint };

const hash = (token: string) => createHash("sha256").update(token).digest("hex");

export class TokenService {
  private readonly tokens: TokenRepository;

  constructor(tokens: TokenRepository) {
    this.tokens = tokens;
  }

  async issue(accountId: bigint | null, scopes = DEFAULT_SCOPES, applicationId: bigint | null = null): Promise<string> {
    const token = randomBytes(32).toString("base64url");
    await this.tokens.create({ tokenHash: hash(token), accountId, applicationId, scopes });
    return token;
  }

  async authenticate(token: string): Promise<Principal | null> {
    const row = await this.tokens.findActive(hash(token));
    if (!row) return null;
    if (row.account && (row.account.suspendedAt || row.account.user?.approved === false)) return null;
    return { accountId: row.accountId, scopes: row.scopes, tokenId: row.id };
  }
}

/** Mastodon's scope rules: "read" grants "read:statuses", and so on. */
export function hasScope(granted: string[], required: string): boolean {
  if (granted.includes(required)) return true;
  const top = required.split(":")[0]!;
  if (granted.includes(top)) return true;
  // "follow" is the legacy umbrella for relationship writes and reads.
  if (granted.includes("follow") && /^(read|write):(follows|blocks|mutes)$/.test(required)) return true;
  return false;
}

export function requireScope(granted: string[], required: string): void {
  if (!hasScope(granted, required)) {
    throw new KithError(403, "This action is outside the authorized scopes");
  }
}
