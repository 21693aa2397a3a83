import { toInstant } from "../../src/temporal.ts";
import type { Context } from "@fedify/fedify";
import { Document, Hashtag, Image, Link, Mention, Note, PUBLIC_COLLECTION, type Object as ApObject } from "@fedify/vocab";
import { LanguageString } from "@fedify/fedify";
import type { Core } from "../../src/core.ts";
import type { StatusView } from "../../src/statuses/status.repository.ts";
import type { Attachment, RemoteStatusData, Visibility } from "../../src/statuses/status.types.ts";

export const isPublic = (u: URL) => u.href === PUBLIC_COLLECTION.href || u.href === "as:Public" || u.href === "Public";

/** Mastodon's reading of addressing: Public in to, Public in cc, followers, or nobody else. */
export function visibilityOf(to: URL[], cc: URL[], followersUrl: string | null): Visibility {
  if (to.some(isPublic)) return "public";
  if (cc.some(isPublic)) return "unlisted";
  if (followersUrl && [...to, ...cc].some((u) => u.href === followersUrl)) return "private";
  return "direct";
}

const instant = (t: Temporal.Instant | null | undefined) => (t ? new Date(t.epochMilliseconds) : null);

/** A remote Note/Article/Question in the domain's terms. */
export async function noteToData(note: ApObject, followersUrl: string | null): Promise<RemoteStatusData | null> {
  if (!note.id) return null;
  const mentionUris: string[] = [];
  const tags: string[] = [];
  for await (const tag of note.getTags()) {
    if (tag instanceof Mention && tag.href) mentionUris.push(tag.href.href);
    else if (tag instanceof Hashtag && tag.name) tags.push(String(tag.name).replace(/^#/, ""));
  }
  const attachments: Attachment[] = [];
  for await (const att of note.getAttachments()) {
    const mapped = attachmentOf(att);
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
    published: instant(note.published) ?? new Date(),
    updated: instant(note.updated),
  };
}

function attachmentOf(att: unknown): Attachment | null {
  if (!(att instanceof Document) && !(att instanceof Image)) return null;
  const url = att.url instanceof URL ? att.url.href : att.url instanceof Link ? att.url.href?.href : null;
  if (!url) return null;
  const mediaType = att.mediaType ?? null;
  const kind = mediaType?.startsWith("image/") ? (mediaType === "image/gif" ? "gifv" : "image") : mediaType?.startsWith("video/") ? "video" : mediaType?.startsWith("audio/") ? "audio" : att instanceof Image ? "image" : "unknown";
  return { type: kind, url, mediaType, description: att.name ? String(att.name) : null, blurhash: null, width: att.width ?? null, height: att.height ?? null };
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

export function statusToNote(ctx: Context<Core>, status: StatusView): Note {
  const author = status.account;
  const { tos, ccs } = addressing(status, ctx.getFollowersUri(author.username));
  const tags = [
    ...status.mentions.map((m) => new Mention({ href: new URL(m.account.uri), name: `@${m.account.username}@${m.account.domain ?? ctx.host}` })),
    ...status.tags.map((t) => new Hashtag({ href: new URL(`/tags/${encodeURIComponent(t.tag.name)}`, ctx.canonicalOrigin), name: `#${t.tag.name}` })),
  ];
  return new Note({
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
  });
}
