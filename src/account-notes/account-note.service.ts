import type { AccountService } from "../accounts/account.service.ts";
import { unprocessable } from "../errors.ts";
import type { AccountNoteRepository } from "./account-note.repository.ts";

/** Mastodon's limit on a note about an account. */
export const MAX_NOTE_LENGTH = 2000;

// Private notes on accounts (Relationship.note): only their writer sees them,
// nothing federates. A blank note removes the note, as on Mastodon.

export class AccountNoteService {
  private readonly notes: AccountNoteRepository;
  private readonly accounts: AccountService;

  constructor(notes: AccountNoteRepository, accounts: AccountService) {
    this.notes = notes;
    this.accounts = accounts;
  }

  async set(accountId: bigint, targetId: bigint, comment: string) {
    await this.accounts.get(targetId);
    if ([...comment].length > MAX_NOTE_LENGTH) throw unprocessable(`Validation failed: Comment is too long (maximum is ${MAX_NOTE_LENGTH} characters)`);
    if (!comment.trim()) await this.notes.remove(accountId, targetId);
    else await this.notes.save(accountId, targetId, comment);
  }

  /** The viewer's notes on these accounts, by target id. */
  async among(accountId: bigint, targetIds: bigint[]): Promise<Map<bigint, string>> {
    if (!targetIds.length) return new Map();
    return new Map((await this.notes.among(accountId, targetIds)).map((n) => [n.targetId, n.comment]));
  }
}
