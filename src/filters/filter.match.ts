import { plainText } from "../statuses/sanitize.ts";

// Which of a viewer's filters catch a status. Pure: the service loads the
// filters once per page and this runs over every status of the page.

export type FilterAction = "warn" | "hide" | "blur";

export type LoadedFilter = {
  id: bigint;
  action: string;
  keywords: { id: bigint; keyword: string; wholeWord: boolean }[];
  statuses: { id: bigint; statusId: bigint }[];
};

export type FilterMatch<F extends LoadedFilter = LoadedFilter> = { filter: F; keywordMatches: string[] | null; statusMatches: string[] | null };

/** What a status looks like to a filter: the post the viewer reads, not the reblog wrapper. */
export type Filterable = {
  id: bigint;
  content: string;
  spoilerText: string;
  attachments?: unknown;
  reblogOf?: Filterable | null;
};

const WORD = "[\\p{L}\\p{N}\\p{M}_]";

/**
 * Mastodon's keyword rule: whole-word keywords get word boundaries only on
 * the sides that start or end with a word character; matching ignores case.
 * Unicode-aware, so "café" is a word and "#tag" matches after a space.
 */
export function keywordPattern(keyword: string, wholeWord: boolean): RegExp {
  const escaped = keyword.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  if (!wholeWord) return new RegExp(escaped, "iu");
  const start = new RegExp(`^${WORD}`, "u").test(keyword) ? `(?<!${WORD})` : "";
  const end = new RegExp(`${WORD}$`, "u").test(keyword) ? `(?!${WORD})` : "";
  return new RegExp(`${start}${escaped}${end}`, "iu");
}

/** The plain text a keyword is matched against: warning, body and media descriptions. */
export function filterableText(status: Filterable): string {
  const body = plainText(status.content);
  const descriptions = Array.isArray(status.attachments)
    ? (status.attachments as { description?: string | null }[]).flatMap((a) => (a?.description ? [a.description] : []))
    : [];
  return [status.spoilerText, body, ...descriptions].join("\n\n");
}

export function matchFilters<F extends LoadedFilter>(filters: F[], status: Filterable): FilterMatch<F>[] {
  const proper = status.reblogOf ?? status;
  const ids = new Set([status.id, proper.id]);
  let text: string | null = null;
  const out: FilterMatch<F>[] = [];
  for (const filter of filters) {
    const statusMatches = filter.statuses.filter((s) => ids.has(s.statusId)).map((s) => String(s.id));
    let keywordMatches: string[] = [];
    if (filter.keywords.length) {
      text ??= filterableText(proper);
      keywordMatches = filter.keywords.filter((k) => keywordPattern(k.keyword, k.wholeWord).test(text!)).map((k) => k.keyword);
    }
    if (keywordMatches.length || statusMatches.length) {
      out.push({ filter, keywordMatches: keywordMatches.length ? keywordMatches : null, statusMatches: statusMatches.length ? statusMatches : null });
    }
  }
  return out;
}

/** A status caught by any hide filter is removed; otherwise it is shown with its matches. */
export function isHidden(matches: FilterMatch[]): boolean {
  return matches.some((m) => m.filter.action === "hide");
}
