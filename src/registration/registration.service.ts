import { z } from "zod";
import type { AccountService } from "../accounts/account.service.ts";
import type { Account } from "../accounts/account.repository.ts";
import { hashPassword } from "../auth/password.ts";
import { PASSWORD_MAX, PASSWORD_MIN } from "../auth/sign-in.service.ts";
import type { IssuedToken, Principal, TokenService } from "../auth/token.service.ts";
import type { Db } from "../db/client.ts";
import { forbidden, KithError } from "../errors.ts";
import type { FollowService } from "../follows/follow.service.ts";
import type { SettingsService } from "../instance/settings.ts";
import { InviteRepository, type Invite } from "./invite.repository.ts";
import type { InviteService } from "./invite.service.ts";
import { RegistrationRepository } from "./registration.repository.ts";

// Sign-up through the API (POST /api/v1/accounts), in the instance's
// registration mode: open, approval, invite or closed. Every field is checked
// before anything is stored, and the account, its user and the invite use
// are stored in one transaction. Kith never asks for a phone number.

export const RESERVED_USERNAMES = new Set(["admin", "administrator", "root", "support", "help", "webmaster", "mod", "moderator", "postmaster", "hostmaster", "abuse", "security", "staff"]);

type FieldError = { error: string; description: string };
export type RegistrationDetails = Record<string, FieldError[]>;

const LABELS: Record<string, string> = { username: "Username", password: "Password", email: "Email", agreement: "Agreement", locale: "Locale", reason: "Reason", invite_code: "Invite code" };

/** Mastodon's 422 for sign-ups: a sentence, and per-field error codes apps can translate. */
export class RegistrationError extends KithError {
  readonly details: RegistrationDetails;

  constructor(details: RegistrationDetails) {
    const sentence = Object.entries(details)
      .flatMap(([field, errors]) => errors.map((e) => `${LABELS[field] ?? field} ${e.description}`))
      .join(", ");
    super(422, `Validation failed: ${sentence}`);
    this.details = details;
  }
}

const optionalText = z.preprocess((v) => (v === "" || v === null ? undefined : v), z.string().optional());
const params = z.object({
  username: optionalText,
  password: optionalText,
  email: optionalText,
  agreement: z.unknown().optional(),
  locale: optionalText,
  reason: optionalText,
  invite_code: optionalText,
});

const accepted = (v: unknown) => v === true || (typeof v === "string" && ["true", "1", "on"].includes(v.toLowerCase()));

export type SignUp = { account: Account; token: IssuedToken; approved: boolean };

export class RegistrationService {
  private readonly repo: RegistrationRepository;
  private readonly accountsIn: (tx: Db) => AccountService;
  private readonly invites: InviteService;
  private readonly settings: SettingsService;
  private readonly tokens: TokenService;
  private readonly follows: FollowService;
  private readonly isEmailBlocked: (email: string) => Promise<boolean>;
  private readonly now: () => Date;

  constructor(deps: {
    repo: RegistrationRepository;
    accountsIn: (tx: Db) => AccountService;
    invites: InviteService;
    settings: SettingsService;
    tokens: TokenService;
    follows: FollowService;
    /** Canonical e-mail blocks (moderation). */
    isEmailBlocked: (email: string) => Promise<boolean>;
    now?: () => Date;
  }) {
    this.repo = deps.repo;
    this.accountsIn = deps.accountsIn;
    this.invites = deps.invites;
    this.settings = deps.settings;
    this.tokens = deps.tokens;
    this.follows = deps.follows;
    this.isEmailBlocked = deps.isEmailBlocked;
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Creates a local account for the app holding `principal`, and a token for
   * it with the app token's scopes, as Mastodon does. In approval mode the
   * token exists but is refused until a moderator approves the account.
   */
  async register(raw: unknown, principal: Principal): Promise<SignUp> {
    const settings = await this.settings.all();
    if (settings.registrationMode === "closed") throw forbidden("Registrations are closed on this server");
    const input = await this.validate(raw, settings);
    const passwordHash = await hashPassword(input.password);

    let created: { account: Account; invite: Invite | null; approved: boolean };
    try {
      created = await this.repo.transaction(async (tx) => {
        // The account first: its keys are generated before any row is locked.
        const account = await this.accountsIn(tx).createLocal(input.username);
        const invite = input.inviteCode ? await new InviteRepository(tx).claim(input.inviteCode, this.now()) : null;
        if (input.inviteCode && !invite) throw new RegistrationError({ invite_code: [{ error: "ERR_INVALID", description: "is invalid or has been used up" }] });
        const approved = settings.registrationMode !== "approval" || invite !== null;
        await new RegistrationRepository(tx).completeUser(account.id, {
          passwordHash,
          email: input.email,
          locale: input.locale,
          reason: input.reason,
          approved,
          inviteId: invite?.id ?? null,
        });
        return { account, invite, approved };
      });
    } catch (error) {
      // Someone took the username or e-mail address since validation: say which, as validation would have.
      if (error instanceof RegistrationError) throw error;
      await this.validate(raw, settings);
      throw error;
    }

    const token = await this.tokens.grant({ accountId: created.account.id, applicationId: principal.applicationId, scopes: principal.scopes });
    if (created.invite?.autoFollow && created.invite.createdById) {
      // The inviter may have been suspended since the invite was made; the sign-up stands anyway.
      await this.follows.follow(created.account.id, created.invite.createdById).catch(() => undefined);
    }
    return { account: created.account, token, approved: created.approved };
  }

  private async validate(raw: unknown, settings: Awaited<ReturnType<SettingsService["all"]>>) {
    const p = params.safeParse(raw ?? {});
    const details: RegistrationDetails = {};
    const add = (field: string, error: string, description: string) => (details[field] ??= []).push({ error, description });
    if (!p.success) {
      for (const issue of p.error.issues) add(String(issue.path[0] ?? "base"), "ERR_INVALID", "is invalid");
      throw new RegistrationError(details);
    }
    const { username, password, agreement, locale, reason } = p.data;
    const email = p.data.email?.trim().toLowerCase();
    const inviteCode = p.data.invite_code?.trim();

    if (!username) add("username", "ERR_BLANK", "can't be blank");
    else if (username.length > 30) add("username", "ERR_TOO_LONG", "is too long (maximum is 30 characters)");
    else if (!/^[a-z0-9_]+$/i.test(username)) add("username", "ERR_INVALID", "must contain only letters, numbers and underscores");
    else if (RESERVED_USERNAMES.has(username.toLowerCase())) add("username", "ERR_RESERVED", "is reserved");
    else if (await this.repo.usernameTaken(username)) add("username", "ERR_TAKEN", "has already been taken");

    if (!password) add("password", "ERR_BLANK", "can't be blank");
    else if (password.length < PASSWORD_MIN) add("password", "ERR_TOO_SHORT", `is too short (minimum is ${PASSWORD_MIN} characters)`);
    else if (password.length > PASSWORD_MAX) add("password", "ERR_TOO_LONG", `is too long (maximum is ${PASSWORD_MAX} characters)`);

    if (!email) {
      if (settings.requireEmail) add("email", "ERR_BLANK", "can't be blank");
    } else if (email.length > 320 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) add("email", "ERR_INVALID", "is invalid");
    else if (await this.isEmailBlocked(email)) add("email", "ERR_BLOCKED", "uses a disallowed e-mail provider");
    else if (await this.repo.emailTaken(email)) add("email", "ERR_TAKEN", "has already been taken");

    if (!accepted(agreement)) add("agreement", "ERR_ACCEPTED", "must be accepted");
    if (locale && !/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(locale)) add("locale", "ERR_INCLUSION", "is not included in the list");

    let invite: Invite | null = null;
    if (inviteCode) {
      invite = await this.invites.findUsable(inviteCode);
      if (!invite) add("invite_code", "ERR_INVALID", "is invalid or has been used up");
    } else if (settings.registrationMode === "invite") add("invite_code", "ERR_BLANK", "can't be blank: this server is invitation-only");

    if (reason && reason.length > 1000) add("reason", "ERR_TOO_LONG", "is too long (maximum is 1000 characters)");
    else if (!reason?.trim() && settings.registrationMode === "approval" && settings.requireReason && !inviteCode) add("reason", "ERR_BLANK", "can't be blank");

    if (Object.keys(details).length) throw new RegistrationError(details);
    return { username: username!, password: password!, email: email ?? null, locale: locale ?? "en", reason: reason?.trim() || null, inviteCode: invite ? inviteCode! : null };
  }
}
