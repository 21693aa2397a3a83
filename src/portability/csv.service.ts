import type { Account } from "../accounts/account.repository.ts";
import { fullAcct, type AccountService } from "../accounts/account.service.ts";
import type { AccountDomainBlockService } from "../account-domain-blocks/account-domain-block.service.ts";
import type { BookmarkService } from "../bookmarks/bookmark.service.ts";
import type { StatusResolver } from "../core.ts";
import { KithError, notFound, unprocessable } from "../errors.ts";
import type { FollowService } from "../follows/follow.service.ts";
import type { BlockService } from "../interactions/block.service.ts";
import type { JobQueue } from "../jobs/jobs.ts";
import type { ListService } from "../lists/list.service.ts";
import type { MuteService } from "../mutes/mute.service.ts";
import type { StatusService } from "../statuses/status.service.ts";
import { parseCsv, toCsv, type CsvEntry, type CsvType } from "./csv-formats.ts";
import type { AccountImport, PortabilityRepository } from "./portability.repository.ts";

// Exports and imports in Mastodon's CSV formats. An import is stored as
// parsed rows and applied by a job (account.import), a few rows at a time,
// keeping its place, so it survives restarts; `overwrite` first undoes what
// the file does not list, as on Mastodon.

export type ImportMode = "merge" | "overwrite";

/** Rows applied between two saves of the job's place. */
const STEP = 50;
/** Problems kept per import (the count is exact). */
const MAX_ERRORS = 100;

type RowError = { row: number; error: string };
type Stored = { row: number; entry: CsvEntry };

export class CsvPortabilityService {
  private readonly repo: PortabilityRepository;
  private readonly deps: {
    accounts: AccountService;
    follows: FollowService;
    blocks: BlockService;
    mutes: MuteService;
    domainBlocks: AccountDomainBlockService;
    bookmarks: BookmarkService;
    lists: ListService;
    statuses: StatusService;
    jobs: JobQueue;
    localDomain: string;
  };

  constructor(repo: PortabilityRepository, deps: CsvPortabilityService["deps"]) {
    this.repo = repo;
    this.deps = deps;
  }

  async exportCsv(accountId: bigint, type: CsvType): Promise<string> {
    const acct = (a: { username: string; domain: string | null }) => fullAcct(a, this.deps.localDomain);
    const r = this.repo;
    switch (type) {
      case "following":
        return toCsv(type, (await r.following(accountId)).map((f) => [acct(f.following), String(f.showReblogs), String(f.notify), ""]));
      case "lists":
        return toCsv(type, (await r.listMembers(accountId)).map((m) => [m.title, acct(m.account)]));
      case "blocks":
        return toCsv(type, (await r.blocked(accountId)).map((b) => [acct(b.target)]));
      case "mutes":
        return toCsv(type, (await r.muted(accountId)).map((m) => [acct(m.target), String(m.notifications)]));
      case "domain_blocks":
        return toCsv(type, (await r.blockedDomains(accountId)).map((d) => [d]));
      case "bookmarks":
        return toCsv(type, (await r.bookmarkUris(accountId)).map((u) => [u]));
    }
  }

  /** Reads the file now (a bad file is refused whole, a bad row is reported with its number) and queues the rest. */
  async startImport(account: Account, type: CsvType, mode: ImportMode, text: string): Promise<AccountImport> {
    if (account.movedToUri) throw unprocessable(`This account has moved to ${account.movedToUri}; import into the new account instead`);
    if (!text.trim()) throw unprocessable("Validation failed: the file is empty");
    const { entries, errors } = parseCsv(type, text);
    if (!entries.length) throw unprocessable(`Validation failed: no row of the file could be read (row ${errors[0]?.row}: ${errors[0]?.error})`);
    const created = await this.repo.createImport({
      accountId: account.id,
      type,
      mode,
      rows: entries,
      total: entries.length + errors.length,
      failed: errors.length,
      errors: errors.slice(0, MAX_ERRORS),
    });
    await this.deps.jobs.enqueue("account.import", { importId: String(created.id) }, { dedupeKey: `import:${created.id}` });
    return created;
  }

  async findImport(accountId: bigint, id: bigint): Promise<AccountImport> {
    const found = await this.repo.findImport(id);
    if (!found || found.accountId !== accountId) throw notFound("Import");
    return found;
  }

  imports(accountId: bigint) {
    return this.repo.importsOf(accountId);
  }

  async resumeUnfinished(): Promise<void> {
    for (const { id } of await this.repo.unfinishedImports()) await this.deps.jobs.enqueue("account.import", { importId: String(id) }, { dedupeKey: `import:${id}` });
  }

  /** The account.import job. `resolver` fetches a bookmarked post this server has not seen. */
  async runImport(id: bigint, resolver: StatusResolver | null): Promise<void> {
    const job = await this.repo.findImport(id);
    if (!job || job.finishedAt) return;
    const account = await this.deps.accounts.findById(job.accountId);
    if (!account || account.suspendedAt) return void (await this.repo.finishImport(id));
    const rows = job.rows as Stored[];
    // Rows the file could not give were counted when it was read; `processed` counts only these.
    let errors = job.errors as RowError[];
    let failed = job.failed;
    if (job.processed === 0 && job.mode === "overwrite") await this.removeUnlisted(account, job.type as CsvType, rows.map((r) => r.entry));
    for (let i = job.processed; i < rows.length; i += STEP) {
      for (const { row, entry } of rows.slice(i, i + STEP)) {
        const problem = await this.apply(account, entry, resolver).then(
          () => null,
          (error: unknown) => {
            if (error instanceof KithError) return error.publicMessage;
            throw error;
          },
        );
        if (problem) {
          failed++;
          if (errors.length < MAX_ERRORS) errors = [...errors, { row, error: problem }];
        }
      }
      await this.repo.progress(id, { processed: Math.min(rows.length, i + STEP), failed, errors });
    }
    await this.repo.finishImport(id);
  }

  private async apply(account: Account, entry: CsvEntry, resolver: StatusResolver | null) {
    const d = this.deps;
    switch (entry.type) {
      case "following":
        return void (await d.follows.follow(account.id, (await this.found(entry.acct)).id, { showReblogs: entry.showReblogs, notify: entry.notify }));
      case "blocks":
        return void (await d.blocks.block(account, (await this.found(entry.acct)).id));
      case "mutes":
        return void (await d.mutes.mute(account.id, (await this.found(entry.acct)).id, { notifications: entry.notifications }));
      case "domain_blocks":
        return d.domainBlocks.block(account.id, entry.domain);
      case "bookmarks": {
        const status = (await d.statuses.findByUri(entry.uri)) ?? (await resolver?.resolveStatus(entry.uri)) ?? null;
        if (!status) throw unprocessable(`${entry.uri} could not be found`);
        return void (await d.bookmarks.bookmark(account, status.id));
      }
      case "lists": {
        // Mastodon follows a listed account that is not followed yet: only followed accounts may be list members.
        const member = await this.found(entry.acct);
        const lists = await d.lists.all(account.id);
        const list = lists.find((l) => l.title === entry.list) ?? (await d.lists.create(account.id, { title: entry.list, repliesPolicy: "list", exclusive: false }));
        if (!(await d.follows.findFollow(account.id, member.id))) await d.follows.follow(account.id, member.id);
        return d.lists.addMembers(account.id, list.id, [member.id]);
      }
    }
  }

  /** An overwrite first ends what the file does not list (lists and bookmarks only add, as on Mastodon). */
  private async removeUnlisted(account: Account, type: CsvType, entries: CsvEntry[]) {
    const keep = new Set(entries.map((e) => ("acct" in e ? e.acct.toLowerCase() : "domain" in e ? e.domain : "")));
    const acct = (a: { username: string; domain: string | null }) => fullAcct(a, this.deps.localDomain).toLowerCase();
    const d = this.deps;
    if (type === "following") {
      for (const f of await this.repo.following(account.id)) if (!keep.has(acct(f.following))) await d.follows.unfollow(account.id, f.following.id);
    } else if (type === "blocks") {
      for (const b of await this.repo.blocked(account.id)) if (!keep.has(acct(b.target))) await d.blocks.unblock(account, b.target.id);
    } else if (type === "mutes") {
      for (const m of await this.repo.muted(account.id)) if (!keep.has(acct(m.target))) await d.mutes.unmute(account.id, m.target.id);
    } else if (type === "domain_blocks") {
      for (const domain of await this.repo.blockedDomains(account.id)) if (!keep.has(domain)) await d.domainBlocks.unblock(account.id, domain);
    }
  }

  private async found(acct: string): Promise<Account> {
    const account = await this.deps.accounts.resolve(acct);
    if (!account) throw unprocessable(`${acct} could not be found`);
    return account;
  }
}
