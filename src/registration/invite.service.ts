import { randomBytes } from "node:crypto";
import { z } from "zod";
import { notFound, unprocessable } from "../errors.ts";
import type { Invite, InviteRepository } from "./invite.repository.ts";

// Invite codes: a way in when sign-ups are by invitation, and a way past
// approval when they need it. The admin CLI and API create, list and
// revoke them here; sign-up claims one use.

const CODE_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

const newInvite = z.object({
  code: z.string().regex(/^[A-Za-z0-9_-]{4,64}$/, "code must be 4 to 64 letters, digits, - or _").optional(),
  maxUses: z.number().int().min(1, "maxUses must be at least 1").max(1_000_000).nullish(),
  expiresAt: z.date().nullish(),
  autoFollow: z.boolean().default(false),
  createdById: z.bigint().nullish(),
});

export type NewInvite = z.input<typeof newInvite>;

export type InviteView = Invite & { usable: boolean };

function randomCode(): string {
  const bytes = randomBytes(8);
  return Array.from(bytes, (b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join("");
}

export class InviteService {
  private readonly invites: InviteRepository;
  private readonly now: () => Date;

  constructor(invites: InviteRepository, now: () => Date = () => new Date()) {
    this.invites = invites;
    this.now = now;
  }

  /** Creates an invite; a ZodError (422) for bad options, 422 when the code is taken or the creator is not a local user. */
  async createInvite(options: NewInvite = {}): Promise<InviteView> {
    const input = newInvite.parse(options);
    if (input.expiresAt && input.expiresAt <= this.now()) throw unprocessable("expiresAt must be in the future");
    if (input.createdById != null && !(await this.invites.userExists(input.createdById))) throw unprocessable("createdById is not a local user");
    if (input.code && (await this.invites.findByCode(input.code))) throw unprocessable(`The invite code ${input.code} is already taken`);
    const invite = await this.invites.create({
      code: input.code ?? randomCode(),
      maxUses: input.maxUses ?? null,
      expiresAt: input.expiresAt ?? null,
      autoFollow: input.autoFollow,
      createdById: input.createdById ?? null,
    });
    return this.view(invite);
  }

  /** Newest first; `usableOnly` leaves out expired and used-up ones. */
  async listInvites(options: { createdById?: bigint; usableOnly?: boolean } = {}): Promise<InviteView[]> {
    const rows = await this.invites.list({ createdById: options.createdById, usableAt: options.usableOnly ? this.now() : undefined });
    return rows.map((r) => this.view(r));
  }

  /** Expires an invite at once (as Mastodon does): users who joined with it keep their link to it. */
  async revokeInvite(id: bigint): Promise<InviteView> {
    const invite = await this.invites.findById(id);
    if (!invite) throw notFound("Invite");
    if (!this.view(invite).usable) return this.view(invite);
    return this.view(await this.invites.expire(id, this.now()));
  }

  /** The invite behind a code, if it can still be used. */
  findUsable(code: string): Promise<Invite | null> {
    return this.invites.findUsable(code, this.now());
  }

  private view(invite: Invite): InviteView {
    const now = this.now();
    const usable = (!invite.expiresAt || invite.expiresAt > now) && (invite.maxUses === null || invite.uses < invite.maxUses);
    return { ...invite, usable };
  }
}
