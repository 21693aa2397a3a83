import { toInstant } from "../../src/temporal.ts";
import type { Context } from "@fedify/fedify";
import { Collection, Document, Hashtag, Image, Link, Mention, Note, PUBLIC_COLLECTION, Question, type Object as ApObject } from "@fedify/vocab";
import { LanguageString } from "@fedify/fedify";
import type { Core } from "../../src/core.ts";
import type { StatusView } from "../../src/statuses/status.repository.ts";
import type { Attachment, RemotePoll, RemoteStatusData, Visibility } from "../../src/statuses/status.types.ts";
import { MediaDocument, rawMediaExtras, type MediaExtras } from "./mastodon-extensions.ts";

export const isPublic = (u: URL) => u.href === PUBLIC_COLLECTION.href || u.href === "as:Public" || u.href === "Public";

/** Mastodon's reading of addressing: Public in to, Public in cc, followers, or nobody else. */
export function visibilityOf(to: URL[], cc: URL[], followersUrl: string | null): Visibility {
  if (to.some(isPublic)) return "public";
  if (cc.some(isPublic)) return "unlisted";
  if (followersUrl && [...to, ...cc].some((u) => u.href === followersUrl)) return "private";
  return "direct";
}

const instant = (t: Temporal.Instant | null | undefined) => (t ? new Date(t.epochMilliseconds) : null);

/**
 * A remote Note/Article/Question in the domain's terms. `raw` is the object's
 * JSON as received, for the Mastodon extensions Fedify's parse drops.
 */
export async function noteToData(note: ApObject, followersUrl: string | null, raw: unknown = null): Promise<RemoteStatusData | null> {
  if (!note.id) return null;
  const mentionUris: string[] = [];
  const tags: string[] = [];
  for await (const tag of note.getTags()) {
    if (tag instanceof Mention && tag.href) mentionUris.push(tag.href.href);
    else if (tag instanceof Hashtag && tag.name) tags.push(String(tag.name).replace(/^#/, ""));
  }
  const extras = rawMediaExtras(raw);
  const attachments: Attachment[] = [];
  for await (const att of note.getAttachments()) {
    const mapped = attachmentOf(att, extras);
    if (mapped && attachments.length < 16) attachments.push(mapped);
  }
  const language = note.contents.find((c) => c instanceof LanguageString) as LanguageString | undefined;
  const url = note.url instanceof URL ? note.url.href : note.url instanceof Link ? note.url.href?.href ?? null : null;
  return {
    uri: note.id.href,
    url,
    content: String(note.content ?? ""),
    spoilerText: String(note.summary ?? ""),
    sensitive: (note as Note).sensitive ?? false,
    visibility: visibilityOf(note.toIds, note.ccIds, followersUrl),
    language: language?.locale?.baseName ?? null,
    inReplyToUri: note.replyTargetId?.href ?? null,
    mentionUris,
    tags,
    attachments,
    poll: note instanceof Question ? await pollOf(note) : null,
    published: instant(note.published) ?? new Date(),
    updated: instant(note.updated),
  };
}

/** A Question's options and counts: `oneOf` for single choice, `anyOf` for several; counts in each option's replies. */
async function pollOf(question: Question): Promise<RemotePoll | null> {
  const options: string[] = [];
  const votes: number[] = [];
  let multiple = false;
  for (const [list, many] of [[question.getExclusiveOptions(), false], [question.getInclusiveOptions(), true]] as const) {
    for await (const option of list) {
      if (!option.name || options.length >= 20) continue;
      multiple ||= many;
      options.push(String(option.name));
      const replies = await option.getReplies().catch(() => null);
      votes.push(replies instanceof Collection ? (replies.totalItems ?? 0) : 0);
    }
  }
  if (options.length < 1) return null;
  const closed = question.closed;
  const closedAt = typeof closed === "boolean" ? (closed ? new Date() : null) : instant(closed);
  return { options, votes, votersCount: question.voters ?? null, multiple, expiresAt: instant(question.endTime) ?? closedAt };
}

function attachmentOf(att: unknown, extras: Map<string, MediaExtras>): Attachment | null {
  if (!(att instanceof Document) && !(att instanceof Image)) return null;
  const url = att.url instanceof URL ? att.url.href : att.url instanceof Link ? att.url.href?.href : null;
  if (!url) return null;
  const mediaType = att.mediaType ?? null;
  const kind = mediaType?.startsWith("image/") ? (mediaType === "image/gif" ? "gifv" : "image") : mediaType?.startsWith("video/") ? "video" : mediaType?.startsWith("audio/") ? "audio" : att instanceof Image ? "image" : "unknown";
  const extra = extras.get(url);
  const focus = extra?.focalPoint ? { x: extra.focalPoint[0], y: extra.focalPoint[1] } : null;
  return { type: kind, url, mediaType, description: att.name ? String(att.name) : null, blurhash: extra?.blurhash ?? null, width: att.width ?? null, height: att.height ?? null, focus };
}

/** Who a local status is addressed to, as Mastodon addresses it. */
export function addressing(status: StatusView, followersUri: URL) {
  const mentions = status.mentions.map((m) => new URL(m.account.uri));
  switch (status.visibility) {
    case "public":
      return { tos: [PUBLIC_COLLECTION], ccs: [followersUri, ...mentions] };
    case "unlisted":
      return { tos: [followersUri], ccs: [PUBLIC_COLLECTION, ...mentions] };
    case "private":
      return { tos: [followersUri], ccs: mentions };
    default:
      return { tos: mentions, ccs: [] };
  }
}

/** Local media as Mastodon sends them: Documents with alt text, size, blurhash and focal point. */
function mediaDocuments(ctx: Context<Core>, status: StatusView): MediaDocument[] {
  return status.media
    .filter((m) => m.storageKey)
    .map(
      (m) =>
        new MediaDocument({
          mediaType: m.mimeType,
          url: new URL(ctx.data.media.url(m.storageKey!)),
          name: m.description ?? null,
          width: m.width ?? null,
          height: m.height ?? null,
          blurhash: m.blurhash,
          focalPoint: m.focusX !== null && m.focusY !== null ? [m.focusX, m.focusY] : null,
        }),
    );
}

/** A local status as ActivityStreams: a Note, or a Question when it carries a poll. */
export function statusToNote(ctx: Context<Core>, status: StatusView): Note | Question {
  const author = status.account;
  const { tos, ccs } = addressing(status, ctx.getFollowersUri(author.username));
  const tags = [
    ...status.mentions.map((m) => new Mention({ href: new URL(m.account.uri), name: `@${m.account.username}@${m.account.domain ?? ctx.host}` })),
    ...status.tags.map((t) => new Hashtag({ href: new URL(`/tags/${encodeURIComponent(t.tag.name)}`, ctx.canonicalOrigin), name: `#${t.tag.name}` })),
  ];
  const values = {
    id: new URL(status.uri),
    url: status.url ? new URL(status.url) : null,
    attribution: new URL(author.uri),
    // Mastodon sends both content and contentMap when the language is known.
    ...(status.language ? { contents: [status.content, new LanguageString(status.content, status.language)] } : { content: status.content }),
    summary: status.spoilerText || null,
    sensitive: status.sensitive,
    published: toInstant(status.createdAt),
    updated: status.editedAt ? toInstant(status.editedAt) : null,
    replyTarget: status.inReplyToUri ? new URL(status.inReplyToUri) : null,
    tos,
    ccs,
    tags,
    attachments: mediaDocuments(ctx, status),
  };
  const poll = status.poll;
  if (!poll) return new Note(values);
  const options = poll.options.map((name, i) => new Note({ name, replies: new Collection({ totalItems: poll.votes[i] ?? 0 }) }));
  const ended = poll.expiresAt !== null && poll.expiresAt <= new Date();
  return new Question({
    ...values,
    ...(poll.multiple ? { inclusiveOptions: options } : { exclusiveOptions: options }),
    endTime: poll.expiresAt ? toInstant(poll.expiresAt) : null,
    closed: ended && poll.expiresAt ? toInstant(poll.expiresAt) : null,
    voters: poll.votersCount,
  });
}
