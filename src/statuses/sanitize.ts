import { createRequire } from "node:module";
import type sanitizeHtml from "sanitize-html";

// Remote HTML is cleaned with a maintained allowlist sanitiser before it is
// stored, keeping the markup Mastodon itself keeps: paragraphs, links,
// mentions and hashtags (h-card, invisible/ellipsis spans), simple formatting.

const options: sanitizeHtml.IOptions = {
  allowedTags: ["p", "br", "span", "a", "del", "s", "pre", "code", "em", "strong", "b", "i", "u", "ul", "ol", "li", "blockquote", "sub", "sup"],
  allowedAttributes: {
    a: ["href", "rel", "class", "translate"],
    span: ["class", "translate"],
    ol: ["start", "reversed"],
    li: ["value"],
  },
  allowedClasses: {
    a: ["mention", "hashtag", "u-url", "status-link", "unhandled-link"],
    span: ["h-card", "invisible", "ellipsis", "hashtag"],
  },
  allowedSchemes: ["http", "https", "mailto", "xmpp", "gopher", "gemini", "dat", "ipfs", "magnet"],
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  transformTags: {
    a: (tagName, attribs) => ({
      tagName,
      attribs: { ...attribs, rel: "nofollow noopener noreferrer", target: "_blank" },
    }),
  },
  // Mastodon's allowlist keeps target=_blank on links, so we let ours through.
  allowedSchemesAppliedToAttributes: ["href"],
};
options.allowedAttributes = { ...(options.allowedAttributes as Record<string, string[]>), a: ["href", "rel", "class", "translate", "target"] };

// Loaded on first use, not at start-up: an idle server sanitises nothing,
// and the library with its parsers (htmlparser2, postcss) takes ~2 MB.
let library: typeof sanitizeHtml | undefined;
function sanitize(html: string, rules: sanitizeHtml.IOptions): string {
  library ??= createRequire(import.meta.url)("sanitize-html") as typeof sanitizeHtml;
  return library(html, rules);
}

export function sanitizeRemoteHtml(html: string): string {
  return sanitize(html, options);
}

/** Plain text for names and summaries: no markup at all. */
export function stripHtml(html: string): string {
  return sanitize(html, { allowedTags: [], allowedAttributes: {} });
}

/** What a person reads in an HTML post: line breaks kept, no markup, entities decoded (for matching and notifications, never for HTML). */
export function plainText(html: string): string {
  return stripHtml(html.replace(/<br\s*\/?>|<\/p>/gi, "\n"))
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&amp;/g, "&");
}
