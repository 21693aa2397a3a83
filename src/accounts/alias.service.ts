import { KithError, notFound, unprocessable } from "../errors.ts";
import type { JobQueue } from "../jobs/jobs.ts";
import type { Account } from "./account.repository.ts";
import { fullAcct, parseAcct, type AccountService } from "./account.service.ts";
import type { AliasRepository } from "./alias.repository.ts";

/**
 * Mastodon sets no limit on aliases; each one is sent in every Update of the
 * actor and read by every server that checks a Move, so Kith keeps a few.
 */
export const MAX_ALIASES = 10;

/** An alias as clients and the CLI see it; `acct` is null when its account is no longer known here. */
export type AliasView = { acct: string | null; uri: string };

/**
 * The other accounts a local account says it also is (ActivityPub's
 * alsoKnownAs): the old account a Move elsewhere must name before its server
 * lets it go. Each change tells followers' servers with an Update{Person}.
 */
export class AliasService {
  private readonly aliases: AliasRepository;
  private readonly accounts: AccountService;
  private readonly jobs: JobQueue;
  private readonly localDomain: string;

  constructor(aliases: AliasRepository, accounts: AccountService, jobs: JobQueue, localDomain: string) {
    this.aliases = aliases;
    this.accounts = accounts;
    this.jobs = jobs;
    this.localDomain = localDomain.toLowerCase();
  }

  async list(accountId: bigint): Promise<AliasView[]> {
    const uris = await this.urisOf(accountId);
    const known = new Map((await this.accounts.findByUris(uris)).map((a) => [a.uri, a]));
    return uris.map((uri) => ({ acct: known.has(uri) ? this.acctOf(known.get(uri)!) : null, uri }));
  }

  /** Adds the account behind a handle (user@host, with or without @) or actor URL, asking its server when unknown. */
  async add(accountId: bigint, target: string): Promise<AliasView[]> {
    const query = target.trim();
    if (!query) throw unprocessable("Validation failed: give the old account's handle (user@example.com) or its URL");
    const found = await this.accounts.resolve(query);
    if (!found) throw unprocessable(`Validation failed: ${query} could not be found`);
    if (found.id === accountId) throw unprocessable("Validation failed: an account cannot be an alias of itself");
    if (!(await this.aliases.append(accountId, found.uri, MAX_ALIASES))) {
      const current = await this.urisOf(accountId);
      if (current.includes(found.uri)) throw unprocessable(`Validation failed: ${this.acctOf(found)} has already been taken`);
      throw unprocessable(`Validation failed: an account may have at most ${MAX_ALIASES} aliases; remove one first`);
    }
    await this.announce(accountId);
    return this.list(accountId);
  }

  /** Removes an alias named by its handle or its actor URI, as listed; known here only, no server is asked. */
  async remove(accountId: bigint, target: string): Promise<AliasView[]> {
    const wanted = this.key(target);
    const match = (await this.list(accountId)).find((a) => a.uri === target.trim() || (a.acct !== null && a.acct.toLowerCase() === wanted));
    if (!match || !(await this.aliases.remove(accountId, match.uri))) throw new KithError(404, `${target.trim() || "That account"} is not one of your aliases`);
    await this.announce(accountId);
    return this.list(accountId);
  }

  private async urisOf(accountId: bigint): Promise<string[]> {
    const uris = await this.aliases.of(accountId);
    if (uris === null) throw notFound("Account");
    return uris;
  }

  /** Followers' servers learn the new alsoKnownAs, as after a profile edit. */
  private announce(accountId: bigint) {
    return this.jobs.enqueue("federate", { kind: "updateActor", accountId: String(accountId) });
  }

  /** Always with its domain: an alias names an account on some server, often another one. */
  private acctOf(account: Account): string {
    return fullAcct(account, this.localDomain);
  }

  /** A typed handle as acctOf writes it (a bare username is a local one), lower-cased for comparison. */
  private key(input: string): string | null {
    const parsed = parseAcct(input);
    return parsed && `${parsed.username}@${parsed.host ?? this.localDomain}`.toLowerCase();
  }
}
