import type { Core } from "../../src/core.ts";
import type { StatusView, ViewerFlags } from "../../src/statuses/status.repository.ts";
import type { Attachment } from "../../src/statuses/status.types.ts";
import { NOBODY, serializeAccount } from "./account.ts";
import { mediaMeta, serializeMedia } from "./media.ts";
import { serializePoll } from "./poll.ts";

/** The viewer's relation to each status of a page, loaded in one query. */
type Flags = ViewerFlags & { viewerId: bigint | null };

const none = new Set<bigint>();

async function flagsFor(core: Core, statuses: StatusView[], viewerId: bigint | null): Promise<Flags> {
  if (viewerId === null) return { viewerId, favourited: none, reblogged: none, bookmarked: none, pinned: none, mutedThreads: none, ownVotes: new Map() };
  const all = statuses.flatMap((s) => (s.reblogOf ? [s, s.reblogOf] : [s]));
  const ids = all.map((s) => s.id);
  const threads = [...new Set(all.flatMap((s) => (s.conversationId === null ? [] : [s.conversationId])))];
  const polls = all.flatMap((s) => (s.poll ? [s.poll.id] : []));
  const own = all.filter((s) => s.accountId === viewerId).map((s) => s.id);
  return { viewerId, ...(await core.statuses.viewerFlags(viewerId, { ids, own, threads, polls })) };
}

/** Mastodon's Status entities for a page, with the viewer's flags loaded in one query. */
export async function serializeStatuses(core: Core, statuses: StatusView[], viewerId: bigint | null) {
  const flags = await flagsFor(core, statuses, viewerId);
  return statuses.map((s) => one(core, s, flags));
}

export async function serializeStatus(core: Core, status: StatusView, viewerId: bigint | null) {
  return (await serializeStatuses(core, [status], viewerId))[0]!;
}

type Base = Omit<StatusView, "reblogOf"> & { reblogOf?: StatusView["reblogOf"] };

/** Media of a status: local media from their rows, remote ones as the author's server described them. */
export function statusMedia(core: Core, s: Pick<Base, "id" | "media" | "attachments">) {
  if (s.media.length) return s.media.map((m) => serializeMedia(core, m));
  return ((s.attachments as Attachment[] | null) ?? []).map((a, i) => ({
    id: `${s.id}${i}`,
    type: a.type,
    url: a.url,
    preview_url: a.url,
    remote_url: a.url,
    preview_remote_url: null,
    text_url: null,
    meta: mediaMeta(a.width, a.height, a.focus),
    description: a.description,
    blurhash: a.blurhash,
  }));
}

function one(core: Core, s: Base, flags: Flags): Record<string, unknown> {
  const reblog = s.reblogOf ? one(core, s.reblogOf as Base, flags) : null;
  const viewer = flags.viewerId;
  return {
    id: String(s.id),
    created_at: s.createdAt.toISOString(),
    in_reply_to_id: s.inReplyToId === null ? null : String(s.inReplyToId),
    in_reply_to_account_id: s.inReplyToAccountId === null ? null : String(s.inReplyToAccountId),
    // Moderators can force an account's media behind a warning (Mastodon's "sensitive" action).
    sensitive: s.sensitive || s.account.sensitizedAt !== null,
    spoiler_text: s.spoilerText,
    visibility: s.visibility,
    language: s.language,
    uri: s.uri,
    url: s.url ?? s.uri,
    replies_count: s.repliesCount,
    reblogs_count: s.reblogsCount,
    favourites_count: s.favouritesCount,
    edited_at: s.editedAt?.toISOString() ?? null,
    favourited: flags.favourited.has(s.id),
    reblogged: flags.reblogged.has(s.id),
    muted: s.conversationId !== null && flags.mutedThreads.has(s.conversationId),
    bookmarked: flags.bookmarked.has(s.id),
    ...(viewer !== null && s.accountId === viewer ? { pinned: flags.pinned.has(s.id) } : {}),
    content: s.reblogOfId ? "" : s.content,
    filtered: [],
    reblog,
    quote: null,
    quote_approval: NOBODY,
    quotes_count: 0,
    application: null,
    account: serializeAccount(core, s.account),
    media_attachments: statusMedia(core, s),
    mentions: s.mentions.map((m) => ({
      id: String(m.accountId),
      username: m.account.username,
      url: m.account.url ?? m.account.uri,
      acct: m.account.domain === null ? m.account.username : `${m.account.username}@${m.account.domain}`,
    })),
    tags: s.tags.map((t) => ({ name: t.tag.name, url: `${core.urls.origin}/tags/${encodeURIComponent(t.tag.name)}` })),
    emojis: [],
    card: null,
    poll: s.poll ? serializePoll(s.poll, viewer === null ? null : { id: viewer, own: flags.ownVotes.get(s.poll.id) ?? [] }, s.accountId) : null,
  };
}
