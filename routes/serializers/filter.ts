import type { FilterMatch } from "../../src/filters/filter.match.ts";
import type { LoadedFilterRow } from "../../src/filters/filter.service.ts";
import type { V1Filter } from "../../src/filters/filter-v1.service.ts";

// Mastodon's Filter, FilterKeyword, FilterStatus and FilterResult entities
// (API v2), and the V1::Filter entity (one keyword seen through its filter).

export function serializeKeyword(k: { id: bigint; keyword: string; wholeWord: boolean }) {
  return { id: String(k.id), keyword: k.keyword, whole_word: k.wholeWord };
}

export function serializeFilterStatus(s: { id: bigint; statusId: bigint }) {
  return { id: String(s.id), status_id: String(s.statusId) };
}

export function serializeFilter(f: LoadedFilterRow) {
  return {
    id: String(f.id),
    title: f.title,
    context: f.context,
    expires_at: f.expiresAt?.toISOString() ?? null,
    filter_action: f.action,
    keywords: f.keywords.map(serializeKeyword),
    statuses: f.statuses.map(serializeFilterStatus),
  };
}

export function serializeFilterResult(m: FilterMatch<LoadedFilterRow>) {
  return { filter: serializeFilter(m.filter), keyword_matches: m.keywordMatches, status_matches: m.statusMatches };
}

export function serializeV1Filter({ keyword, filter }: V1Filter) {
  return {
    id: String(keyword.id),
    phrase: keyword.keyword,
    context: filter.context,
    whole_word: keyword.wholeWord,
    expires_at: filter.expiresAt?.toISOString() ?? null,
    irreversible: filter.action === "hide",
  };
}
