import type { Account } from "../accounts/account.repository.ts";
import type { AccountService } from "../accounts/account.service.ts";
import { forbidden, KithError, notFound, unprocessable } from "../errors.ts";
import { newId } from "../ids.ts";
import type { BlockRepository } from "../interactions/block.repository.ts";
import type { JobQueue, StatusSnapshot } from "../jobs/jobs.ts";
import type { NotificationService } from "../notifications/notification.service.ts";
import type { LocalUrls } from "../urls.ts";
import { extractHashtags, extractMentions, renderStatusHtml, type ResolvedMention } from "./content.ts";
import { sanitizeRemoteHtml, stripHtml } from "./sanitize.ts";
import type { StatusRepository, StatusView } from "./status.repository.ts";
import type { NewStatus, RemoteStatusData } from "./status.types.ts";
import { canSee } from "./visibility.ts";

export const MAX_CHARS = 500;

export class StatusService {
  private readonly statuses: StatusRepository;
  private readonly accounts: AccountService;
  private readonly blocks: BlockRepository;
  private readonly notifications: NotificationService;
  private readonly jobs: JobQueue;
  private readonly urls: LocalUrls;
  private readonly isFollowing: (follower: bigint, target: bigint) => Promise<boolean>;

  constructor(statuses: StatusRepository, accounts: AccountService, blocks: BlockRepository, notifications: NotificationService, jobs: JobQueue, urls: LocalUrls, isFollowing: (follower: bigint, target: bigint) => Promise<boolean>) {
    this.statuses = statuses;
    this.accounts = accounts;
    this.blocks = blocks;
    this.notifications = notifications;
    this.jobs = jobs;
    this.urls = urls;
    this.isFollowing = isFollowing;
  }

  /** A status the viewer may see, or 404 (never 403, so existence does not leak). */
  async getVisible(id: bigint, viewerId: bigint | null): Promise<StatusView> {
    const status = await this.statuses.findById(id);
    if (!status || !(await canSee(status, viewerId, this.isFollowing))) throw notFound("Record");
    if (status.reblogOf && !(await canSee(status.reblogOf as StatusView, viewerId, this.isFollowing))) throw notFound("Record");
    return status;
  }

  findById(id: bigint) {
    return this.statuses.findById(id);
  }

  findByIds(ids: bigint[]) {
    return this.statuses.findByIds(ids);
  }

  findByUri(uri: string) {
    return this.statuses.findByUri(uri);
  }

  canSee(status: StatusView, viewerId: bigint | null) {
    return canSee(status, viewerId, this.isFollowing);
  }

  async create(author: Account, input: NewStatus): Promise<StatusView> {
    const text = input.text ?? "";
    validateText(text);
    let parent: StatusView | null = null;
    if (input.inReplyToId) {
      parent = await this.statuses.findById(input.inReplyToId);
      if (!parent || !(await canSee(parent, author.id, this.isFollowing))) throw notFound("Record");
      if (await this.blocks.eitherBlocks(author.id, parent.accountId)) throw forbidden("You cannot reply to this status");
    }
    const { content, mentions, tags } = await this.compose(text);
    const id = newId();
    const visibility = input.visibility ?? "public";
    const mentionIds = mentions.map((m) => m.accountId);
    // Replying addresses the parent's author even if the text does not name them.
    if (parent && parent.accountId !== author.id && !mentionIds.includes(parent.accountId)) mentionIds.push(parent.accountId);
    const status = await this.statuses.insert(
      {
        id,
        uri: this.urls.status(author.username, id),
        url: this.urls.statusPage(author.username, id),
        accountId: author.id,
        local: true,
        content,
        text,
        spoilerText: input.spoilerText ?? "",
        sensitive: Boolean(input.sensitive || input.spoilerText),
        visibility,
        language: input.language ?? null,
        inReplyToId: parent?.id ?? null,
        inReplyToUri: parent?.uri ?? null,
        inReplyToAccountId: parent?.accountId ?? null,
      },
      mentionIds,
      tags,
    );
    if (!status) throw new KithError(500, "Could not save the status");
    await this.afterInsert(status);
    await this.jobs.enqueue("federate", { kind: "createStatus", statusId: String(status.id) });
    return status;
  }

  async edit(author: Account, id: bigint, input: Partial<Pick<NewStatus, "text" | "spoilerText" | "sensitive" | "language">>) {
    const existing = await this.statuses.findById(id);
    if (!existing || existing.accountId !== author.id || existing.reblogOfId) throw notFound("Record");
    const text = input.text ?? existing.text ?? "";
    validateText(text);
    const { content, mentions, tags } = await this.compose(text);
    const spoilerText = input.spoilerText ?? existing.spoilerText;
    const mentionIds = mentions.map((m) => m.accountId);
    if (existing.inReplyToAccountId && existing.inReplyToAccountId !== author.id && !mentionIds.includes(existing.inReplyToAccountId)) {
      mentionIds.push(existing.inReplyToAccountId);
    }
    const status = await this.statuses.update(
      id,
      {
        text,
        content,
        spoilerText,
        sensitive: Boolean(input.sensitive ?? existing.sensitive) || spoilerText !== "",
        language: input.language ?? existing.language,
        editedAt: new Date(),
      },
      mentionIds,
      tags,
    );
    await this.jobs.enqueue("federate", { kind: "updateStatus", statusId: String(id) });
    return status!;
  }

  async delete(author: Account, id: bigint): Promise<StatusView> {
    const existing = await this.statuses.findById(id);
    if (!existing || existing.accountId !== author.id || existing.reblogOfId) throw notFound("Record");
    const snapshot = snapshotOf(existing);
    await this.statuses.delete(id);
    await this.jobs.enqueue("federate", { kind: "deleteStatus", status: snapshot });
    return existing;
  }

  /** A Create{Note} from the note's own author, already verified by the federation door. */
  async storeRemote(author: Account, data: RemoteStatusData): Promise<StatusView | null> {
    if (author.domain === null || this.urls.isLocal(data.uri)) return null;
    const existing = await this.statuses.findByUri(data.uri);
    if (existing) return existing;
    const parent = data.inReplyToUri ? await this.statuses.findByUri(data.inReplyToUri) : null;
    const mentioned = data.mentionUris.length ? await this.accountsByUris(data.mentionUris) : [];
    const status = await this.statuses.insert(
      {
        id: newId(data.published > new Date() ? new Date() : data.published),
        uri: data.uri,
        url: data.url,
        accountId: author.id,
        local: false,
        content: sanitizeRemoteHtml(data.content),
        spoilerText: stripHtml(data.spoilerText),
        sensitive: data.sensitive,
        visibility: data.visibility,
        language: data.language,
        inReplyToId: parent?.id ?? null,
        inReplyToUri: data.inReplyToUri,
        inReplyToAccountId: parent?.accountId ?? null,
        attachments: data.attachments,
        createdAt: data.published,
        editedAt: data.updated,
      },
      mentioned.map((a) => a.id),
      data.tags.map((t) => t.toLowerCase()),
    );
    if (status) await this.afterInsert(status);
    return status ?? this.statuses.findByUri(data.uri);
  }

  /** An Update{Note}: only its author may change it. */
  async updateRemote(author: Account, data: RemoteStatusData) {
    const existing = await this.statuses.findByUri(data.uri);
    if (!existing) return this.storeRemote(author, data);
    if (existing.accountId !== author.id) throw forbidden("Only the author may edit a status");
    const mentioned = data.mentionUris.length ? await this.accountsByUris(data.mentionUris) : [];
    return this.statuses.update(
      existing.id,
      {
        content: sanitizeRemoteHtml(data.content),
        spoilerText: stripHtml(data.spoilerText),
        sensitive: data.sensitive,
        language: data.language,
        attachments: data.attachments,
        editedAt: data.updated ?? new Date(),
      },
      mentioned.map((a) => a.id),
      data.tags.map((t) => t.toLowerCase()),
    );
  }

  /** A Delete of a remote status; the sender must be its author. */
  async deleteRemote(actor: Account, uri: string) {
    const existing = await this.statuses.findByUri(uri);
    if (!existing || existing.accountId !== actor.id) return;
    await this.statuses.delete(existing.id);
  }

  async reblog(account: Account, statusId: bigint): Promise<StatusView> {
    const original = await this.getVisible(statusId, account.id);
    const target = original.reblogOf ? await this.getVisible(original.reblogOf.id, account.id) : original;
    if (target.visibility === "private" || target.visibility === "direct") throw unprocessable("This status cannot be reblogged");
    if (await this.blocks.eitherBlocks(account.id, target.accountId)) throw forbidden("You cannot reblog this status");
    const existing = await this.statuses.findReblog(account.id, target.id);
    if (existing) return existing;
    const id = newId();
    const reblog = await this.statuses.insert(
      {
        id,
        uri: `${this.urls.status(account.username, id)}/activity`,
        url: this.urls.statusPage(account.username, id),
        accountId: account.id,
        local: true,
        visibility: "public",
        reblogOfId: target.id,
      },
      [],
      [],
    );
    const saved = reblog ?? (await this.statuses.findReblog(account.id, target.id))!;
    await this.notifications.notify(target.account, account.id, "reblog", target.id);
    await this.jobs.enqueue("timeline.fanout", { statusId: String(saved.id) });
    await this.jobs.enqueue("federate", { kind: "announce", reblogId: String(saved.id) });
    return saved;
  }

  async unreblog(account: Account, statusId: bigint): Promise<StatusView> {
    const target = await this.getVisible(statusId, account.id);
    const originalId = target.reblogOf?.id ?? target.id;
    const reblog = await this.statuses.findReblog(account.id, originalId);
    if (reblog) {
      await this.statuses.delete(reblog.id);
      await this.jobs.enqueue("federate", { kind: "undoAnnounce", reblog: snapshotOf(reblog), originalId: String(originalId) });
    }
    return (await this.statuses.findById(originalId))!;
  }

  /** An Announce from a remote actor of a status we know or can fetch. */
  async receiveAnnounce(actor: Account, target: StatusView, announceUri: string, published: Date) {
    if (target.visibility === "private" || target.visibility === "direct") return;
    const existing = await this.statuses.findByUri(announceUri);
    if (existing) return;
    const reblog = await this.statuses.insert(
      { id: newId(published > new Date() ? new Date() : published), uri: announceUri, accountId: actor.id, visibility: "public", reblogOfId: target.id, createdAt: published },
      [],
      [],
    );
    if (!reblog) return;
    await this.notifications.notify(target.account, actor.id, "reblog", target.id);
    await this.jobs.enqueue("timeline.fanout", { statusId: String(reblog.id) });
  }

  async receiveUndoAnnounce(actor: Account, announceUri: string) {
    const reblog = await this.statuses.findByUri(announceUri);
    if (reblog && reblog.accountId === actor.id && reblog.reblogOfId) await this.statuses.delete(reblog.id);
  }

  context(id: bigint) {
    return this.statuses.ancestorsAndDescendants(id);
  }

  private async afterInsert(status: StatusView) {
    for (const m of status.mentions) {
      await this.notifications.notify(m.account, status.accountId, "mention", status.id);
    }
    await this.jobs.enqueue("timeline.fanout", { statusId: String(status.id) });
  }

  /** The HTML, mentions and hashtags of what a local user typed. */
  private async compose(text: string) {
    const mentions = await this.resolveMentions(text);
    const content = renderStatusHtml(text, mentions, (tag) => `${this.urls.origin}/tags/${encodeURIComponent(tag)}`);
    return { content, mentions, tags: extractHashtags(text) };
  }

  private async resolveMentions(text: string): Promise<ResolvedMention[]> {
    const out: ResolvedMention[] = [];
    for (const ref of extractMentions(text)) {
      const account = await this.accounts.resolve(ref.host ? `${ref.username}@${ref.host}` : ref.username).catch(() => null);
      if (!account) continue;
      out.push({ ref, accountId: account.id, href: account.url ?? account.uri, username: account.username });
    }
    return out;
  }

  private async accountsByUris(uris: string[]) {
    const found: Account[] = [];
    for (const uri of uris.slice(0, 50)) {
      const account = this.urls.isLocal(uri) ? await this.accounts.findByUri(uri) : await this.accounts.resolveUri(uri).catch(() => null);
      if (account) found.push(account);
    }
    return found;
  }
}

function validateText(text: string) {
  if (!text.trim()) throw unprocessable("Validation failed: Text can't be blank");
  if ([...text].length > MAX_CHARS) throw unprocessable(`Validation failed: Text character limit of ${MAX_CHARS} exceeded`);
}

export function snapshotOf(status: { id: bigint; uri: string; accountId: bigint; visibility: StatusView["visibility"]; mentions: { accountId: bigint }[]; inReplyToAccountId: bigint | null; reblogOf?: { accountId: bigint } | null }): StatusSnapshot {
  return {
    id: String(status.id),
    uri: status.uri,
    accountId: String(status.accountId),
    visibility: status.visibility,
    mentionIds: status.mentions.map((m) => String(m.accountId)),
    inReplyToAccountId: status.inReplyToAccountId === null ? null : String(status.inReplyToAccountId),
    reblogOfAuthorId: status.reblogOf ? String(status.reblogOf.accountId) : null,
  };
}
