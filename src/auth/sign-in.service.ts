import { unprocessable } from "../errors.ts";
import type { Account } from "../accounts/account.repository.ts";
import type { CredentialRepository } from "./credential.repository.ts";
import { hashPassword, verifyPassword } from "./password.ts";

// Signing in with a username or e-mail address and a password, on the
// authorization page. One message for every wrong pair, so the answer does
// not tell which usernames or addresses exist.

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 72;

/** Why a password cannot be used, or null. */
export function passwordProblem(password: string): string | null {
  return password.length < PASSWORD_MIN || password.length > PASSWORD_MAX ? `Password must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters` : null;
}

export type SignInResult = { ok: true; account: Account } | { ok: false; message: string };

export class SignInService {
  private readonly credentials: CredentialRepository;
  private readonly now: () => Date;

  constructor(credentials: CredentialRepository, now: () => Date = () => new Date()) {
    this.credentials = credentials;
    this.now = now;
  }

  async signIn(login: string, password: string): Promise<SignInResult> {
    const user = login.trim() ? await this.credentials.findByLogin(login.trim()) : null;
    const valid = await verifyPassword(password, user?.passwordHash);
    if (!user || !valid) return { ok: false, message: "Invalid username, e-mail address or password." };
    const refusal = signInRefusal(user);
    if (refusal) return { ok: false, message: refusal };
    await this.credentials.recordSignIn(user.accountId, this.now());
    return { ok: true, account: user.account };
  }

  /** The account behind a browser session, while it may still sign in. */
  async stillSignedIn(accountId: bigint, username: string): Promise<Account | null> {
    const user = await this.credentials.findByLogin(username);
    return user && user.accountId === accountId && !signInRefusal(user) ? user.account : null;
  }

  /** Whether this is the signed-in user's password: what they type to confirm a grave step, such as moving away. */
  async isPasswordOf(accountId: bigint, password: string): Promise<boolean> {
    return verifyPassword(password, (await this.credentials.passwordHashOf(accountId))?.passwordHash);
  }

  async setPassword(accountId: bigint, password: string): Promise<void> {
    const problem = passwordProblem(password);
    if (problem) throw unprocessable(problem);
    await this.credentials.setPassword(accountId, await hashPassword(password));
  }
}

function signInRefusal(user: { approved: boolean; disabledAt: Date | null; account: Account }): string | null {
  if (user.account.suspendedAt) return "This account is suspended.";
  if (user.disabledAt) return "Your login is currently disabled.";
  if (!user.approved) return "Your login is currently pending approval.";
  return null;
}
