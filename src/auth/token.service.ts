import { createHash, randomBytes } from "node:crypto";
import type { Account } from "../accounts/account.repository.ts";
import { forbidden, KithError } from "../errors.ts";
import { hasScope } from "./scopes.ts";
import type { TokenRepository } from "./token.repository.ts";

export { hasScope } from "./scopes.ts";

// Bearer tokens are stored as SHA-256 hashes: a leaked database row is not a
// usable credential. Like Mastodon's, tokens do not expire unless issued with
// an expiry; they end when revoked.

export const DEFAULT_SCOPES = ["read", "write", "follow"];

const TOUCH_EVERY_MS = 60 * 60 * 1000;

/** Who a token speaks for; `account` is the row the token lookup loaded, so callers need not read it again. */
export type Principal = { accountId: bigint | null; account: Account | null; applicationId: bigint | null; scopes: string[]; tokenId: bigint };

export type IssuedToken = {
  accessToken: string;
  refreshToken: string | null;
  scopes: string[];
  createdAt: Date;
  expiresAt: Date | null;
  accountId: bigint | null;
  applicationId: bigint | null;
};

export const hashSecret = (secret: string) => createHash("sha256").update(secret).digest("hex");

const randomSecret = () => randomBytes(32).toString("base64url");

export class TokenService {
  private readonly tokens: TokenRepository;
  private readonly now: () => Date;

  constructor(tokens: TokenRepository, now: () => Date = () => new Date()) {
    this.tokens = tokens;
    this.now = now;
  }

  async issue(accountId: bigint | null, scopes = DEFAULT_SCOPES, applicationId: bigint | null = null): Promise<string> {
    return (await this.grant({ accountId, scopes, applicationId })).accessToken;
  }

  /** A new access token, with a refresh token when asked (the code and refresh grants). */
  async grant(options: { accountId: bigint | null; applicationId: bigint | null; scopes: string[]; refresh?: boolean; expiresAt?: Date | null }): Promise<IssuedToken> {
    const accessToken = randomSecret();
    const refreshToken = options.refresh ? randomSecret() : null;
    const row = await this.tokens.create({
      tokenHash: hashSecret(accessToken),
      refreshTokenHash: refreshToken ? hashSecret(refreshToken) : null,
      accountId: options.accountId,
      applicationId: options.applicationId,
      scopes: options.scopes,
      expiresAt: options.expiresAt ?? null,
    });
    return { accessToken, refreshToken, scopes: row.scopes, createdAt: row.createdAt, expiresAt: row.expiresAt, accountId: row.accountId, applicationId: row.applicationId };
  }

  /**
   * The principal behind a bearer token, or null when the token is unknown,
   * revoked, expired or its account suspended. A user who may not sign in
   * yet (pending approval) or any more (disabled) gets a 403 that says so.
   */
  async authenticate(token: string): Promise<Principal | null> {
    const row = await this.tokens.findActive(hashSecret(token));
    const now = this.now();
    if (!row || (row.expiresAt && row.expiresAt <= now)) return null;
    if (row.account?.suspendedAt) return null;
    const user = row.account?.user;
    if (user && !user.approved) throw forbidden("Your login is currently pending approval");
    if (user?.disabledAt) throw forbidden("Your login is currently disabled");
    if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= TOUCH_EVERY_MS) {
      await this.tokens.touch(row.id, now, new Date(now.getTime() - TOUCH_EVERY_MS));
    }
    return { accountId: row.accountId, account: row.account ?? null, applicationId: row.applicationId, scopes: row.scopes, tokenId: row.id };
  }

  /** The live token a refresh token belongs to, with its application. */
  findByRefreshToken(refreshToken: string) {
    return this.tokens.findActiveByRefresh(hashSecret(refreshToken));
  }

  /** An access or refresh token in any state, for revocation. */
  findForRevocation(token: string) {
    return this.tokens.findByEitherHash(hashSecret(token));
  }

  revoke(tokenId: bigint): Promise<boolean> {
    return this.tokens.revoke(tokenId, this.now());
  }
}

export function requireScope(granted: string[], required: string): void {
  if (!hasScope(granted, required)) {
    throw new KithError(403, "This action is outside the authorized scopes");
  }
}
