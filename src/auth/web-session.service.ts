import { randomBytes } from "node:crypto";
import type { Account } from "../accounts/account.repository.ts";
import type { RevokedSessions } from "./revoked-sessions.ts";
import type { SignerService } from "./signer.service.ts";
import type { SignInService } from "./sign-in.service.ts";

// The browser session of the authorization page: a signed value naming the
// account and a random session id, kept in a cookie for a day. Signing out
// revokes the id, so the value stops working everywhere at once.

export const SESSION_TTL_SECONDS = 24 * 60 * 60;

export class WebSessionService {
  private readonly signer: SignerService;
  private readonly signIn: SignInService;
  private readonly revoked: RevokedSessions;

  constructor(signer: SignerService, signIn: SignInService, revoked: RevokedSessions) {
    this.signer = signer;
    this.signIn = signIn;
    this.revoked = revoked;
  }

  /** A new session for an account that just signed in: the cookie's value. */
  start(account: Account): Promise<string> {
    return this.signer.sign("session", [String(account.id), account.username, randomBytes(16).toString("base64url")], SESSION_TTL_SECONDS * 1000);
  }

  /** The account a session value stands for, while it is valid, not signed out, and the account may still sign in. */
  async account(value: string | undefined): Promise<Account | null> {
    const session = await this.parse(value);
    if (!session || (await this.revoked.isRevoked(session.id))) return null;
    return this.signIn.stillSignedIn(session.accountId, session.username);
  }

  /** Signs the session out; a value that is not a valid session needs nothing done. */
  async end(value: string | undefined): Promise<void> {
    const session = await this.parse(value);
    if (session) await this.revoked.revoke(session.id, SESSION_TTL_SECONDS);
  }

  private async parse(value: string | undefined) {
    const payload = await this.signer.verify("session", value);
    // Sessions signed before they had an id cannot be signed out, so they are no longer accepted.
    if (!payload || payload.length !== 3 || !/^\d{1,19}$/.test(payload[0]!)) return null;
    const [accountId, username, id] = payload as [string, string, string];
    return { accountId: BigInt(accountId), username, id };
  }
}
