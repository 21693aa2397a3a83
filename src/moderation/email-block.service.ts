import { createHash } from "node:crypto";
import { notFound, unprocessable } from "../errors.ts";
import { newestFirst, type IdRange } from "../notifications/notification.repository.ts";
import type { EmailBlockRepository } from "./email-block.repository.ts";
import { isUniqueViolation } from "./unique-violation.ts";

// Mastodon's canonical e-mail blocks: an address is lowercased, its local
// part loses dots and any +tag, and only the SHA-256 of the result is kept.
// Sign-up asks isBlocked(); the address itself is never stored here.

const EMAIL = /^[^\s@]+@[^\s@]+$/;

export function canonicalEmail(email: string): string {
  const [local = "", domain = ""] = email.trim().toLowerCase().split("@", 2);
  return `${local.replaceAll(".", "").split("+", 1)[0]}@${domain}`;
}

export const canonicalEmailHash = (email: string) => createHash("sha256").update(canonicalEmail(email)).digest("hex");

export class EmailBlockService {
  private readonly repo: EmailBlockRepository;

  constructor(repo: EmailBlockRepository) {
    this.repo = repo;
  }

  async list(range: IdRange) {
    return newestFirst(await this.repo.page(range));
  }

  async get(id: bigint) {
    const block = await this.repo.find(id);
    if (!block) throw notFound("Record");
    return block;
  }

  /** Blocks an address (or a hash an admin already has). 422 if it is blocked already. */
  async block(input: { email?: string; canonicalEmailHash?: string }) {
    const hash = input.email !== undefined ? hashOf(input.email) : input.canonicalEmailHash?.toLowerCase();
    if (!hash || !/^[0-9a-f]{64}$/.test(hash)) throw unprocessable("Give an email or a canonical_email_hash (64 hex digits)");
    if (await this.repo.findByHash(hash)) throw unprocessable("This address is already blocked");
    return this.repo.create(hash).catch((error: unknown) => {
      if (isUniqueViolation(error)) throw unprocessable("This address is already blocked");
      throw error;
    });
  }

  async unblock(id: bigint) {
    const block = await this.get(id);
    await this.repo.delete(id);
    return block;
  }

  /** The blocks an address matches (POST /api/v1/admin/canonical_email_blocks/test). */
  async test(email: string) {
    const block = await this.repo.findByHash(hashOf(email));
    return block ? [block] : [];
  }

  /** Whether sign-up must refuse this address. */
  async isBlocked(email: string): Promise<boolean> {
    if (!EMAIL.test(email.trim())) return false;
    return (await this.repo.findByHash(canonicalEmailHash(email))) !== null;
  }
}

function hashOf(email: string): string {
  if (!EMAIL.test(email.trim())) throw unprocessable("email is not an e-mail address");
  return canonicalEmailHash(email);
}
