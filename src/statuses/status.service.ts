import type { Account } from "../accounts/account.repository.ts";
import type { AccountService } from "../accounts/account.service.ts";
import { forbidden, KithError, notFound, unprocessable } from "../errors.ts";
import type { BlockRepository } from "../interactions/block.repository.ts";
import type { JobQueue, StatusSnapshot } from "../jobs/jobs.ts";
import type { MediaService } from "../media/media.service.ts";
import { idWhere, newestFirst, type IdRange } from "../notifications/notification.repository.ts";
import type { NotificationService } from "../notifications/notification.service.ts";
import { schedulePollEnd } from "../polls/poll-end.ts";
import { validatePoll, type PollData, type PollLimits } from "../polls/poll.rules.ts";
import type { LocalUrls } from "../urls.ts";
import { extractHashtags, extractMentions, renderStatusHtml, type ResolvedMention } from "./content.ts";
import { runOnce, type IdempotencyStore } from "./idempotency.ts";
import { sanitizeRemoteHtml, stripHtml } from "./sanitize.ts";
import type { EditSnapshot, StatusChanges, StatusRepository, StatusView, ViewerPage } from "./status.repository.ts";
import type { NewStatus, RemotePoll, RemoteStatusData, StatusEdits } from "./status.types.ts";
import type { ThreadMuteRepository } from "./thread-mute.repository.ts";
import { canSee, type Audience } from "./visibility.ts";
import { silentBus, type EventBus } from "../streaming/events.ts";

export const MAX_CHARS = 500;

/** The parts of the core a status needs beyond its own repository. */
export type StatusDeps = {
  media: MediaService;
  threads: ThreadMuteRepository;
  idempotency: IdempotencyStore;
  pollLimits: PollLimits;
};

/** A new local status, checked and ready to write. */
type Prepared = { text: string; parent: StatusView | null; mediaIds: bigint[]; poll: PollData | null };

export class StatusService {
  private readonly statuses: StatusRepository;
  private readonly accounts: AccountService;
  private readonly blocks: BlockRepository;
  private readonly notifications: NotificationService;
  private readonly jobs: JobQueue;
  private readonly urls: LocalUrls;
  private readonly isFollowing: (follower: bigint, target: bigint) => Promise<boolean>;
  private readonly deps: StatusDeps;
  /** Live updates (the streaming API); set by the core once the bus exists. */
  events: EventBus = silentBus;
  /**
   * Puts a status into home and list feeds; set by the core once timelines
   * exist. A remote status arrives in a worker already, so it is distributed
   * there and then (no second job that reads the status again); a local one
   * is distributed by a job, so posting answers at once.
   */
  distribute: ((status: StatusView) => Promise<void>) | null = null;

  constructor(statuses: StatusRepository, accounts: AccountService, blocks: BlockRepository, notifications: NotificationService, jobs: JobQueue, urls: LocalUrls, isFollowing: (follower: bigint, target: bigint) => Promise<boolean>, deps: StatusDeps) {
    this.statuses = statuses;
    this.accounts = accounts;
    this.blocks = blocks;
    this.notifications = notifications;
    this.jobs = jobs;
    this.urls = urls;
    this.isFollowing = isFollowing;
    this.deps = deps;
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

  /** A status as a remote interaction with it (a Like) needs it: lighter than a full read. */
  findTarget(id: bigint) {
    return this.statuses.findTarget(id);
  }

  canSee(status: Audience, viewerId: bigint | null) {
    return canSee(status, viewerId, this.isFollowing);
  }

  /** The statuses among `ids` the viewer may see, in the order asked. */
  async visibleAmong(ids: bigint[], viewerId: bigint | null): Promise<StatusView[]> {
    const rows = new Map((await this.statuses.findByIds(ids)).map((s) => [s.id, s]));
    const out: StatusView[] = [];
    for (const id of ids) {
      const s = rows.get(id);
      if (s && (await canSee(s, viewerId, this.isFollowing)) && (!s.reblogOf || (await canSee(s.reblogOf as StatusView, viewerId, this.isFollowing)))) out.push(s);
    }
    return out;
  }

  /**
   * Posts a status now. With an idempotency key, a repeat within the hour
   * returns the status the first request made instead of posting twice.
   */
  async create(author: Account, input: NewStatus, options: { idempotencyKey?: string } = {}): Promise<StatusView> {
    if (!options.idempotencyKey) return this.createNow(author, input);
    const { result } = await runOnce(this.deps.idempotency, author.id, `status:${options.idempotencyKey}`, async () => String((await this.createNow(author, input)).id));
    const status = await this.statuses.findById(BigInt(result));
    if (!status) throw notFound("Record");
    return status;
  }

  /** Checks everything a new status needs (text, reply target, media, poll) without writing anything. */
  async prepare(author: Account, input: NewStatus): Promise<Prepared> {
    if (author.domain === null && author.movedToUri) throw unprocessable(`This account has moved to ${author.movedToUri} and can no longer post; post from the new account`);
    const text = input.text ?? "";
    const mediaIds = [...new Set(input.mediaIds ?? [])];
    validateText(text, mediaIds.length > 0);
    if (mediaIds.length && input.poll) throw unprocessable("Validation failed: A status cannot have both media and a poll");
    let parent: StatusView | null = null;
    if (input.inReplyToId) {
      parent = await this.statuses.findById(input.inReplyToId);
      if (!parent || !(await canSee(parent, author.id, this.isFollowing))) throw notFound("Record");
      if (await this.blocks.eitherBlocks(author.id, parent.accountId)) throw forbidden("You cannot reply to this status");
    }
    if (mediaIds.length) await this.deps.media.attachable(author, mediaIds);
    const poll = input.poll ? validatePoll(input.poll, this.deps.pollLimits) : null;
    return { text, parent, mediaIds, poll };
  }

  private async createNow(author: Account, input: NewStatus): Promise<StatusView> {
    const { text, parent, mediaIds, poll } = await this.prepare(author, input);
    const { content, mentions, tags } = await this.compose(text);
    const id = await this.statuses.reserveId();
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
      { mediaIds, poll: poll ?? undefined, conversationId: parent?.conversationId ?? null },
    );
    if (!status) throw new KithError(500, "Could not save the status");
    await this.afterInsert(status);
    if (status.poll) await schedulePollEnd(this.jobs, status.poll);
    await this.jobs.enqueue("federate", { kind: "createStatus", statusId: String(status.id) });
    return status;
  }

  /** Edits a local status; the version it replaces is kept in its history. */
  async edit(author: Account, id: bigint, input: StatusEdits): Promise<StatusView> {
    const existing = await this.statuses.findById(id);
    if (!existing || existing.accountId !== author.id || existing.reblogOfId) throw notFound("Record");
    const mediaIds = input.mediaIds ? [...new Set(input.mediaIds)] : existing.media.map((m) => m.id);
    const text = input.text ?? existing.text ?? "";
    validateText(text, mediaIds.length > 0);
    const keepsPoll = input.poll === undefined && existing.poll !== null;
    if (mediaIds.length && (input.poll || keepsPoll)) throw unprocessable("Validation failed: A status cannot have both media and a poll");
    if (input.mediaIds) await this.deps.media.attachable(author, mediaIds, existing.id);
    const mediaChanges = (input.mediaAttributes ?? []).map((m) => ({ id: m.id, ...this.deps.media.changesFor(m) }));
    let poll: StatusChanges["poll"];
    if (input.poll === null) poll = existing.poll ? null : undefined;
    else if (input.poll) {
      const set = validatePoll(input.poll, this.deps.pollLimits);
      const old = existing.poll;
      // Votes stand while the question does; new options or a new kind of poll void them.
      const same = old !== null && sameOptions(old.options, set.options) && old.multiple === set.multiple;
      poll = { set: same ? { ...set, votes: old.votes, votersCount: old.votersCount } : set, resetVotes: !same };
    }
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
      { previous: snapshotForHistory(existing), mediaIds: input.mediaIds ? mediaIds : undefined, mediaChanges, poll },
    );
    if (poll && status?.poll) await schedulePollEnd(this.jobs, status.poll);
    await this.notifications.statusEdited(status!);
    await this.events.publish({ type: "status.edited", status: status! });
    await this.jobs.enqueue("federate", { kind: "updateStatus", statusId: String(id) });
    return status!;
  }

  /**
   * Deletes a local status. Its media are detached so that a redraft can
   * reuse them (the daily sweep takes them if none does), or, with
   * `deleteMedia` (Mastodon's delete_media), deleted with their files now.
   */
  async delete(author: Account, id: bigint, options: { deleteMedia?: boolean } = {}): Promise<StatusView> {
    const existing = await this.statuses.findById(id);
    if (!existing || existing.accountId !== author.id || existing.reblogOfId) throw notFound("Record");
    const snapshot = snapshotOf(existing);
    const reblogs = await this.statuses.reblogsOf(id);
    await this.statuses.delete(id);
    if (options.deleteMedia && existing.media.length) await this.deps.media.removeUnattached({ ids: existing.media.map((m) => m.id), accountId: author.id });
    await this.publishDeleted(existing, reblogs);
    await this.jobs.enqueue("federate", { kind: "deleteStatus", status: snapshot });
    return existing;
  }

  /** Every version of a status the viewer may see, oldest first, the current one last. */
  async history(id: bigint, viewerId: bigint | null) {
    const status = await this.getVisible(id, viewerId);
    if (status.reblogOf) throw notFound("Record");
    const earlier = await this.statuses.edits(status.id);
    const current: EditSnapshot = { ...snapshotForHistory(status), createdAt: status.editedAt ?? status.createdAt };
    return { status, versions: [...earlier, current] };
  }

  /** What the author typed, for the edit form. */
  async source(author: Account, id: bigint) {
    const status = await this.statuses.findById(id);
    if (!status || status.accountId !== author.id || status.reblogOfId) throw notFound("Record");
    return { id: status.id, text: status.text ?? stripHtml(status.content), spoilerText: status.spoilerText };
  }

  /** A Create{Note} from the note's own author, already verified by the federation door. */
  async storeRemote(author: Account, data: RemoteStatusData): Promise<StatusView | null> {
    if (author.domain === null || this.urls.isLocal(data.uri)) return null;
    // Finding the parent and the mentioned accounts (maybe over the network) is
    // wasted on a post we have; otherwise the insert itself tells a repeat.
    if (data.inReplyToUri || data.mentionUris.length) {
      const existing = await this.statuses.findByUri(data.uri);
      if (existing) return existing;
    }
    const parent = data.inReplyToUri ? await this.statuses.findByUri(data.inReplyToUri) : null;
    const mentioned = data.mentionUris.length ? await this.accountsByUris(data.mentionUris) : [];
    const status = await this.statuses.insert(
      {
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
      { poll: data.poll ? { ...remotePoll(data.poll), uri: data.uri } : undefined, conversationId: parent?.conversationId ?? null, accounts: { author, mentioned } },
    );
    if (status) await this.afterInsert(status);
    return status ?? this.statuses.findByUri(data.uri);
  }

  /**
   * An Update{Note} or Update{Question}: only its author may change it. A
   * changed text, warning, media or question is an edit and keeps the old
   * version; new poll counts alone are not.
   */
  async updateRemote(author: Account, data: RemoteStatusData) {
    const existing = await this.statuses.findByUri(data.uri);
    if (!existing) return this.storeRemote(author, data);
    if (existing.accountId !== author.id) throw forbidden("Only the author may edit a status");
    const mentioned = data.mentionUris.length ? await this.accountsByUris(data.mentionUris) : [];
    const content = sanitizeRemoteHtml(data.content);
    const spoilerText = stripHtml(data.spoilerText);
    const pollOptions = data.poll?.options ?? [];
    const edited =
      content !== existing.content ||
      spoilerText !== existing.spoilerText ||
      data.sensitive !== existing.sensitive ||
      JSON.stringify(data.attachments) !== JSON.stringify(existing.attachments) ||
      !sameOptions(pollOptions, existing.poll?.options ?? []);
    let poll: StatusChanges["poll"];
    if (data.poll) {
      const set = remotePoll(data.poll);
      poll = { set: { ...set, uri: data.uri }, resetVotes: !sameOptions(set.options, existing.poll?.options ?? []) || set.multiple !== existing.poll?.multiple };
    } else if (existing.poll) poll = null;
    const status = await this.statuses.update(
      existing.id,
      {
        content,
        spoilerText,
        sensitive: data.sensitive,
        language: data.language,
        attachments: data.attachments,
        ...(edited ? { editedAt: data.updated ?? new Date() } : {}),
      },
      mentioned.map((a) => a.id),
      data.tags.map((t) => t.toLowerCase()),
      { previous: edited ? snapshotForHistory(existing) : undefined, poll },
    );
    if (edited && status) await this.notifications.statusEdited(status);
    if (edited && status) await this.events.publish({ type: "status.edited", status });
    return status;
  }

  /** A Delete of a remote status; the sender must be its author. */
  async deleteRemote(actor: Account, uri: string) {
    const existing = await this.statuses.findByUri(uri);
    if (!existing || existing.accountId !== actor.id) return;
    const reblogs = await this.statuses.reblogsOf(existing.id);
    await this.statuses.delete(existing.id);
    await this.publishDeleted(existing, reblogs);
  }

  /**
   * Live updates for a deleted status and the reblogs deleted with it: as on
   * Mastodon, whoever had a reblog in a feed gets a `delete` with the reblog's
   * id (clients hold reblogs under their own ids), then the status's own.
   */
  private async publishDeleted(status: StatusView, reblogs: StatusView[]) {
    for (const reblog of reblogs) await this.events.publish({ type: "status.deleted", status: reblog });
    await this.events.publish({ type: "status.deleted", status });
  }

  async reblog(account: Account, statusId: bigint): Promise<StatusView> {
    const original = await this.getVisible(statusId, account.id);
    const target = original.reblogOf ? await this.getVisible(original.reblogOf.id, account.id) : original;
    if (target.visibility === "private" || target.visibility === "direct") throw unprocessable("This status cannot be reblogged");
    if (await this.blocks.eitherBlocks(account.id, target.accountId)) throw forbidden("You cannot reblog this status");
    const existing = await this.statuses.findReblog(account.id, target.id);
    if (existing) return existing;
    const id = await this.statuses.reserveId();
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
      await this.events.publish({ type: "status.deleted", status: reblog });
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
      { uri: announceUri, accountId: actor.id, visibility: "public", reblogOfId: target.id, createdAt: published },
      [],
      [],
    );
    if (!reblog) return;
    await this.notifications.notify(target.account, actor.id, "reblog", target.id);
    await this.jobs.enqueue("timeline.fanout", { statusId: String(reblog.id) });
  }

  async receiveUndoAnnounce(actor: Account, announceUri: string) {
    const reblog = await this.statuses.findByUri(announceUri);
    if (!reblog || reblog.accountId !== actor.id || !reblog.reblogOfId) return;
    await this.statuses.delete(reblog.id);
    await this.events.publish({ type: "status.deleted", status: reblog });
  }

  /**
   * The thread around a status as the viewer may see it: its ancestors, the
   * oldest first (up to 40, stopping at one the viewer cannot see), and its
   * descendants depth-first by level (up to 60), as Mastodon's context gives them.
   */
  async thread(status: StatusView, viewerId: bigint | null): Promise<{ ancestors: StatusView[]; descendants: StatusView[] }> {
    const ancestors: StatusView[] = [];
    for (let parentId = status.inReplyToId, depth = 0; parentId !== null && depth < 40; depth++) {
      const parent = await this.statuses.findById(parentId);
      if (!parent || !(await this.canSee(parent, viewerId))) break;
      ancestors.unshift(parent);
      parentId = parent.inReplyToId;
    }
    const descendants: StatusView[] = [];
    const queue = [status.id];
    while (queue.length && descendants.length < 60) {
      for (const child of await this.statuses.ancestorsAndDescendants(queue.shift()!)) {
        if (await this.canSee(child, viewerId)) {
          descendants.push(child);
          queue.push(child.id);
        }
      }
    }
    return { ancestors, descendants };
  }

  /** Accounts that favourited a visible status, newest first; `cursor` is what Link pagination counts by. */
  async favouritedBy(id: bigint, viewerId: bigint | null, range: IdRange) {
    const status = await this.getVisible(id, viewerId);
    const rows = newestFirst(await this.statuses.favouritedBy(status.id, idWhere(range), range.limit, range.minId !== undefined));
    return rows.map((r) => ({ cursor: r.id, account: r.account }));
  }

  async rebloggedBy(id: bigint, viewerId: bigint | null, range: IdRange) {
    const status = await this.getVisible(id, viewerId);
    const rows = newestFirst(await this.statuses.rebloggedBy(status.id, idWhere(range), range.limit, range.minId !== undefined));
    return rows.map((r) => ({ cursor: r.id, account: r.account }));
  }

  /** Mutes the thread of a visible status for the account: no more notifications from it. */
  async muteThread(account: Account, id: bigint): Promise<StatusView> {
    const status = await this.getVisible(id, account.id);
    await this.deps.threads.mute(account.id, await this.deps.threads.threadOf(status));
    return (await this.statuses.findById(status.id))!;
  }

  async unmuteThread(account: Account, id: bigint): Promise<StatusView> {
    const status = await this.getVisible(id, account.id);
    if (status.conversationId !== null) await this.deps.threads.unmute(account.id, status.conversationId);
    return status;
  }

  /** For the notifications door: whether the account muted the thread a status belongs to. */
  async isThreadMuted(accountId: bigint, statusId: bigint): Promise<boolean> {
    const status = await this.statuses.findById(statusId);
    return status ? this.deps.threads.isMuted(accountId, status.conversationId) : false;
  }

  /** How the viewer stands to a page of statuses (the serializer's per-viewer flags). */
  viewerFlags(viewerId: bigint, page: ViewerPage) {
    return this.statuses.viewerFlags(viewerId, page);
  }

  private async afterInsert(status: StatusView) {
    const localMentioned = status.mentions.filter((m) => m.account.domain === null).map((m) => m.accountId);
    const muters = await this.deps.threads.mutersAmong(status.id, localMentioned);
    for (const m of status.mentions) {
      if (muters.has(m.accountId)) continue;
      await this.notifications.notify(m.account, status.accountId, "mention", status.id);
    }
    if (status.local || !this.distribute) await this.jobs.enqueue("timeline.fanout", { statusId: String(status.id) });
    else await this.distribute(status);
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

/** Text is required unless media carry the post. */
function validateText(text: string, hasMedia: boolean) {
  if (!text.trim() && !hasMedia) throw unprocessable("Validation failed: Text can't be blank");
  if ([...text].length > MAX_CHARS) throw unprocessable(`Validation failed: Text character limit of ${MAX_CHARS} exceeded`);
}

const sameOptions = (a: string[], b: string[]) => a.length === b.length && a.every((o, i) => o === b[i]);

/** A remote question's counts as stored; servers that do not count voters (Misskey) get the sum for single-choice polls. */
function remotePoll(poll: RemotePoll): PollData {
  const votes = poll.options.map((_, i) => Math.max(0, poll.votes[i] ?? 0));
  const votersCount = poll.votersCount ?? (poll.multiple ? 0 : votes.reduce((a, b) => a + b, 0));
  return { options: poll.options, votes, votersCount, multiple: poll.multiple, hideTotals: false, expiresAt: poll.expiresAt };
}

/** The version a status is about to leave behind. */
function snapshotForHistory(status: StatusView): EditSnapshot {
  return {
    content: status.content,
    spoilerText: status.spoilerText,
    sensitive: status.sensitive,
    mediaIds: status.media.map((m) => m.id),
    pollOptions: status.poll?.options ?? [],
    createdAt: status.editedAt ?? status.createdAt,
  };
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
