import { KithError, notFound, unprocessable } from "../errors.ts";
import { ExpiringMap } from "../expiring-map.ts";
import type { JobQueue } from "../jobs/jobs.ts";
import type { LocalUrls } from "../urls.ts";
import type { Account, AccountRepository } from "./account.repository.ts";
import type { ProfileField, RemoteActorData, RemoteDirectory } from "./account.types.ts";
import { generateKeyMaterial } from "./key.store.ts";
import { sanitizeRemoteHtml, stripHtml } from "../statuses/sanitize.ts";
import { renderStatusHtml } from "../statuses/content.ts";

const USERNAME = /^[a-z0-9_]{1,30}$/i;
export const MAX_PROFILE_FIELDS = 4;
const MAX_FIELD_CHARS = 255;

/** Checks and stores profile images: MediaService does both with the same rules as uploads. */
export type ProfileImages = { checkImage(data: Buffer): unknown; storeImage(data: Buffer): Promise<string>; removeImage(url: string): Promise<void> };

/** What a local user may change of their profile; null or an empty buffer removes an image. */
export type ProfileChanges = {
  displayName?: string;
  note?: string;
  locked?: boolean;
  bot?: boolean;
  discoverable?: boolean;
  fields?: { name: string; value: string }[];
  avatar?: Buffer | null;
  header?: Buffer | null;
};

/** Local fields keep what their owner typed beside the HTML (Mastodon's source.fields). */
export type LocalProfileField = ProfileField & { source?: string };

/**
 * The server's own actor (an Application, like Mastodon's and Misskey's): it
 * signs our GETs of remote actors and posts, which GoToSocial and Mastodon in
 * secure mode require. Its name cannot be a user's (no dots allowed there).
 */
export const INSTANCE_ACTOR = "instance.actor";
const STALE_MS = 24 * 60 * 60 * 1000;
/**
 * How long the inbox may answer from a remote actor's row read a moment ago.
 * Writes through this service and moderation in this process forget at once;
 * one made in another process (a moderator acting through the web role)
 * applies within this time, as domain blocks do (DomainPolicy).
 */
const SENDER_TTL_MS = 5_000;
/** Mastodon keeps a suspended account's data for 30 days; so may its server bring it back. */
const SELF_DELETE_GRACE_MS = 30 * 24 * 60 * 60 * 1000;

/** An account's handle with its domain always (user@host), as aliases, moves and Mastodon's CSV files write it. */
export const fullAcct = (a: { username: string; domain: string | null }, localDomain: string) => `${a.username}@${a.domain ?? localDomain}`;

/** Splits "@alice@host:port", "alice@host" or "alice" into its parts. */
export function parseAcct(input: string): { username: string; host: string | null } | null {
  const m = /^@?([a-z0-9_][a-z0-9_.-]*)(?:@([a-z0-9.-]+(?::\d{1,5})?))?$/i.exec(input.trim());
  if (!m) return null;
  return { username: m[1]!, host: m[2]?.toLowerCase() ?? null };
}

/** What moderation says about remote domains (wired by the core: src/moderation/domain-policy.ts). */
export type DomainGate = {
  /** Whether we talk to this host at all (not suspended; allowed in allow-list mode). */
  federates(host: string): Promise<boolean>;
  /** The marks an account first met on this host starts with (a silenced or suspended domain's). */
  marksFor(host: string): Promise<{ silencedAt?: Date; suspendedAt?: Date }>;
};

export class AccountService {
  directory: RemoteDirectory | null = null;
  /** Known once ensureInstanceActor has run (at start-up); it never changes. */
  instanceActorId: bigint | null = null;
  /** Checks and stores avatars and headers (wired by the core: the media service). */
  images: ProfileImages | null = null;
  domainGate: DomainGate | null = null;

  private readonly accounts: AccountRepository;
  /** Remote actors the inbox met in the last few seconds: a burst of activities from one actor reads its row once. */
  private readonly senders = new ExpiringMap<Account>(SENDER_TTL_MS, 1_000);
  private readonly urls: LocalUrls;
  private readonly localDomain: string;
  private readonly jobs: JobQueue;

  constructor(accounts: AccountRepository, urls: LocalUrls, localDomain: string, jobs: JobQueue) {
    this.accounts = accounts;
    this.urls = urls;
    this.localDomain = localDomain;
    this.jobs = jobs;
  }

  async createLocal(username: string, options: { locked?: boolean } = {}): Promise<Account> {
    if (!USERNAME.test(username)) {
      throw unprocessable("Username must be 1 to 30 letters, digits or underscores");
    }
    if (await this.accounts.findByUsername(username, null)) {
      throw unprocessable(`Username ${username} is already taken`);
    }
    const keys = await generateKeyMaterial();
    return this.accounts.createLocal(
      {
        username,
        uri: this.urls.actor(username),
        url: this.urls.profile(username),
        locked: options.locked ?? false,
        urls: this.urls.actorEndpoints(username),
      },
      keys,
    );
  }

  /** Creates the instance actor on first start; safe when several processes start at once. */
  async ensureInstanceActor(): Promise<Account> {
    const account = await this.findOrCreateInstanceActor();
    this.instanceActorId = account.id;
    return account;
  }

  private async findOrCreateInstanceActor(): Promise<Account> {
    const existing = await this.accounts.findByUsername(INSTANCE_ACTOR, null);
    if (existing) return existing;
    const keys = await generateKeyMaterial();
    try {
      return await this.accounts.createLocal(
        {
          username: INSTANCE_ACTOR,
          uri: this.urls.actor(INSTANCE_ACTOR),
          url: this.urls.origin,
          locked: true,
          actorType: "Application",
          urls: this.urls.actorEndpoints(INSTANCE_ACTOR),
        },
        keys,
        { user: false },
      );
    } catch (error) {
      const raced = await this.accounts.findByUsername(INSTANCE_ACTOR, null);
      if (raced) return raced;
      throw error;
    }
  }

  async get(id: bigint): Promise<Account> {
    const account = await this.accounts.findById(id);
    if (!account || account.suspendedAt) throw notFound("Account");
    return account;
  }

  findById(id: bigint) {
    return this.accounts.findById(id);
  }

  findByIds(ids: bigint[]) {
    return this.accounts.findByIds(ids);
  }

  findByUri(uri: string) {
    return this.accounts.findByUri(uri);
  }

  findByUris(uris: string[]) {
    return this.accounts.findByUris(uris);
  }

  async getLocalByUsername(username: string): Promise<Account | null> {
    const account = await this.accounts.findByUsername(username, null);
    return account && !account.suspendedAt ? account : null;
  }

  /** A remote actor's stored public key (PEM) and the actor it belongs to. */
  findRemoteKey(keyId: string): Promise<{ uri: string; publicKeyPem: string | null } | null> {
    return this.accounts.findRemoteKey(keyId);
  }

  /** A local actor even while suspended: its actor document and keys stay up so its Delete can be verified. */
  findLocalActor(username: string): Promise<Account | null> {
    return this.accounts.findByUsername(username, null);
  }

  /** Finds an account already known here by acct, without asking the network. */
  async lookup(acct: string): Promise<Account> {
    const parsed = parseAcct(acct);
    if (!parsed) throw notFound("Account");
    const local = parsed.host === null || parsed.host === this.localDomain.toLowerCase();
    const account = await this.accounts.findByUsername(parsed.username, local ? null : parsed.host);
    if (!account || account.suspendedAt) throw notFound("Account");
    return account;
  }

  /** Finds an account by acct or actor URL, asking its server when unknown or stale. */
  async resolve(query: string): Promise<Account | null> {
    if (/^https?:\/\//i.test(query)) return this.resolveUri(query);
    const parsed = parseAcct(query);
    if (!parsed) return null;
    if (parsed.host === null || parsed.host === this.localDomain.toLowerCase()) {
      return this.getLocalByUsername(parsed.username);
    }
    if (this.domainGate && !(await this.domainGate.federates(parsed.host))) return null;
    const known = await this.accounts.findByUsername(parsed.username, parsed.host);
    if (known) return this.refreshLater(known);
    const data = await this.requireDirectory().resolveHandle(parsed.username, parsed.host).catch(() => null);
    return data ? this.upsertRemote(data) : null;
  }

  /** The account behind an actor id; fetched and stored if new or stale. */
  async resolveUri(uri: string): Promise<Account | null> {
    if (this.urls.isLocal(uri)) {
      const account = await this.accounts.findByUri(uri);
      return account && !account.suspendedAt ? account : null;
    }
    if (this.domainGate && !(await this.domainGate.federates(URL.parse(uri)?.host ?? ""))) return null;
    const known = await this.accounts.findByUri(uri);
    if (known) return this.refreshLater(known);
    const data = await this.requireDirectory().fetchActor(uri).catch(() => null);
    return data ? this.upsertRemote(data) : null;
  }

  /**
   * The account as its server describes it right now (a remote one is fetched
   * again and stored): what a Move's checks must read, since an alias added a
   * moment ago is not in a copy fetched yesterday. Null when its server does not answer.
   */
  async fresh(account: Account): Promise<Account | null> {
    if (account.domain === null) return this.accounts.findById(account.id);
    const data = await this.requireDirectory().fetchActor(account.uri).catch(() => null);
    return data && data.uri === account.uri ? this.upsertRemote(data) : null;
  }

  /** The remote account behind an activity's actor: resolveUri, answered from a very recent read when there is one. */
  async resolveSender(uri: string): Promise<Account | null> {
    const seen = this.senders.get(uri);
    // The domain policy keeps its own answers fresh; it is asked every time.
    if (seen && (!this.domainGate || (await this.domainGate.federates(URL.parse(uri)?.host ?? "")))) return this.refreshLater(seen);
    const account = await this.resolveUri(uri);
    if (account && account.domain !== null) this.senders.set(uri, account);
    return account;
  }

  /** Forgets the remote accounts remembered for the inbox: moderation changed some of them. */
  forgetRemote() {
    this.senders.clear();
  }

  /** A known account is answered at once; if its copy is stale, a job fetches it again. */
  private async refreshLater(account: Account): Promise<Account> {
    if (isStale(account)) await this.jobs.enqueue("account.refresh", { uri: account.uri }, { dedupeKey: account.uri });
    return account;
  }

  /** The job behind refreshLater: fetch the actor document and store what changed. */
  async refresh(uri: string): Promise<void> {
    // An unreachable server keeps the copy we have; the next stale read tries again.
    const data = await this.requireDirectory().fetchActor(uri).catch(() => null);
    if (data) await this.upsertRemote(data);
  }

  /**
   * Stores what a remote server told us about its actor (Update{Person},
   * fetches); its HTML is sanitised here, before it is stored or shown.
   */
  async upsertRemote(data: RemoteActorData): Promise<Account> {
    if (this.urls.isLocal(data.uri)) throw new KithError(400, "A remote actor cannot claim a local id");
    const isNew = this.domainGate !== null && (await this.accounts.findByUri(data.uri)) === null;
    const account = await this.accounts.upsertRemote({
      ...data,
      displayName: stripHtml(data.displayName).slice(0, 100),
      note: sanitizeRemoteHtml(data.note),
      fields: data.fields.map((f) => ({ name: stripHtml(f.name).slice(0, 255), value: sanitizeRemoteHtml(f.value) })),
    });
    // An account first met on a silenced or suspended domain starts with the domain's mark (Mastodon).
    const marks = isNew ? await this.domainGate!.marksFor(account.domain ?? "") : {};
    const stored = Object.keys(marks).length ? await this.accounts.updateProfile(account.id, marks) : account;
    this.senders.delete(data.uri);
    return stored;
  }

  /** A remote actor deleted itself: hide it everywhere (its rows stay for moderation). */
  async markRemoteDeleted(id: bigint) {
    const now = new Date();
    await this.accounts.updateProfile(id, { suspendedAt: now, deletedByOriginAt: now });
    this.forgetRemote();
  }

  /**
   * The actor came back: its server unsuspended it within the grace period
   * and told us with a signed Update. Only a deletion by its own server is
   * undone this way, never a suspension by our moderators.
   */
  async restoreSelfDeleted(uri: string): Promise<Account | null> {
    const account = await this.accounts.findByUri(uri);
    if (!account?.deletedByOriginAt || account.domain === null) return null;
    if (Date.now() - account.deletedByOriginAt.getTime() > SELF_DELETE_GRACE_MS) return null;
    const restored = await this.accounts.updateProfile(account.id, { suspendedAt: null, deletedByOriginAt: null });
    this.senders.delete(uri);
    return restored;
  }

  /**
   * A local user edits their profile; followers' servers hear an Update.
   * Everything is checked before anything is stored, so a refused edit changes nothing.
   */
  async updateProfile(accountId: bigint, changes: ProfileChanges) {
    const { note, fields, avatar, header, ...rest } = changes;
    const typedFields = fields?.filter((f) => f.name.trim() || f.value.trim());
    if (typedFields && typedFields.length > MAX_PROFILE_FIELDS) throw unprocessable(`Validation failed: Fields is too long (maximum is ${MAX_PROFILE_FIELDS} fields)`);
    for (const f of typedFields ?? []) {
      if ([...f.name].length > MAX_FIELD_CHARS || [...f.value].length > MAX_FIELD_CHARS) throw unprocessable(`Validation failed: Fields name and value are limited to ${MAX_FIELD_CHARS} characters`);
    }
    const images = [avatar, header].filter((d): d is Buffer => Boolean(d?.length));
    if (images.length && !this.images) throw new Error("No profile image store wired");
    for (const data of images) this.images!.checkImage(data);
    // An empty string (or empty file) removes the image, as on Mastodon.
    const urlOf = async (data: Buffer | null | undefined) => (data === undefined ? undefined : data?.length ? await this.images!.storeImage(data) : null);
    const before = avatar !== undefined || header !== undefined ? await this.accounts.findById(accountId) : null;
    const avatarUrl = await urlOf(avatar);
    const headerUrl = await urlOf(header);
    let account;
    try {
      account = await this.accounts.updateProfile(accountId, {
        ...rest,
        ...(note !== undefined ? { note: note.trim() ? this.renderText(note) : "", noteSource: note } : {}),
        ...(typedFields ? { fields: typedFields.map((f): LocalProfileField => ({ name: f.name.trim(), value: this.renderField(f.value), source: f.value })) } : {}),
        ...(avatarUrl !== undefined ? { avatarUrl } : {}),
        ...(headerUrl !== undefined ? { headerUrl } : {}),
      });
    } catch (err) {
      for (const url of [avatarUrl, headerUrl]) if (url) await this.images!.removeImage(url);
      throw err;
    }
    // A replaced or removed image's file goes too.
    for (const [old, now] of [[before?.avatarUrl, avatarUrl], [before?.headerUrl, headerUrl]] as const) {
      if (old && now !== undefined && old !== now) await this.images?.removeImage(old);
    }
    await this.jobs.enqueue("federate", { kind: "updateActor", accountId: String(accountId) });
    return account;
  }

  /** A bio or field as HTML: links and hashtags made clickable, the rest escaped. */
  private renderText(text: string): string {
    return renderStatusHtml(text, [], (t) => `${this.urls.origin}/tags/${encodeURIComponent(t)}`);
  }

  /** A field value is one line: its HTML without the paragraph around it, as Mastodon renders fields. */
  private renderField(value: string): string {
    const oneLine = value.replace(/\s+/g, " ").trim();
    return oneLine ? this.renderText(oneLine).replace(/^<p>/, "").replace(/<\/p>$/, "") : "";
  }

  private requireDirectory(): RemoteDirectory {
    // Only the admin CLI runs without one: it opens no federation of its own.
    if (!this.directory) throw new KithError(503, "The admin CLI does not ask other servers: look the account up once through the server (a search with resolve=true), then try again", { internal: "No remote directory wired" });
    return this.directory;
  }
}

function isStale(account: Account): boolean {
  return !account.fetchedAt || Date.now() - account.fetchedAt.getTime() > STALE_MS;
}
