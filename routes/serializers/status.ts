import type { Core } from "../../src/core.ts";
import type { StatusView } from "../../src/statuses/status.repository.ts";
import type { Attachment } from "../../src/statuses/status.types.ts";
import { NOBODY, serializeAccount } from "./account.ts";

type Flags = { favourited: Set<bigint>; reblogged: Set<bigint> };

/** Mastodon's Status entities for a page, with the viewer's favourited/reblogged flags in two queries. */
export async function serializeStatuses(core: Core, statuses: StatusView[], viewerId: bigint | null) {
  const ids = statuses.flatMap((s) => (s.reblogOf ? [s.id, s.reblogOf.id] : [s.id]));
  const flags: Flags = viewerId
    ? { favourited: await core.favourites.favouritedAmong(viewerId, ids), reblogged: await core.favourites.rebloggedAmong(viewerId, ids) }
    : { favourited: new Set(), reblogged: new Set() };
  return statuses.map((s) => one(core, s, flags));
}

export async function serializeStatus(core: Core, status: StatusView, viewerId: bigint | null) {
  return (await serializeStatuses(core, [status], viewerId))[0]!;
}

type Base = Omit<StatusView, "reblogOf"> & { reblogOf?: StatusView["reblogOf"] };

function one(core: Core, s: Base, flags: Flags): Record<string, unknown> {
  const reblog = s.reblogOf ? one(core, s.reblogOf as Base, flags) : null;
  return {
    id: String(s.id),
    created_at: s.createdAt.toISOString(),
    in_reply_to_id: s.inReplyToId === null ? null : String(s.inReplyToId),
    in_reply_to_account_id: s.inReplyToAccountId === null ? null : String(s.inReplyToAccountId),
    sensitive: s.sensitive,
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
    muted: false,
    bookmarked: false,
    pinned: false,
    content: s.reblogOfId ? "" : s.content,
    filtered: [],
    reblog,
    quote: null,
    quote_approval: NOBODY,
    quotes_count: 0,
    application: null,
    account: serializeAccount(core, s.account),
    media_attachments: ((s.attachments as Attachment[] | null) ?? []).map((a, i) => ({
      id: `${s.id}${i}`,
      type: a.type,
      url: a.url,
      preview_url: a.url,
      remote_url: a.url,
      preview_remote_url: null,
      text_url: null,
      meta: a.width && a.height ? { original: { width: a.width, height: a.height } } : {},
      description: a.description,
      blurhash: a.blurhash,
    })),
    mentions: s.mentions.map((m) => ({
      id: String(m.accountId),
      username: m.account.username,
      url: m.account.url ?? m.account.uri,
      acct: m.account.domain === null ? m.account.username : `${m.account.username}@${m.account.domain}`,
    })),
    tags: s.tags.map((t) => ({ name: t.tag.name, url: `${core.urls.origin}/tags/${encodeURIComponent(t.tag.name)}` })),
    emojis: [],
    card: null,
    poll: null,
  };
}
