import { notFound, unprocessable } from "../errors.ts";
import type { FilterFields, FilterRepository } from "./filter.repository.ts";
import type { FilterService, LoadedFilterRow } from "./filter.service.ts";

// Mastodon 4's filters API v1: a view of v2 filters in which each keyword is
// one v1 filter (phrase and whole_word from the keyword; context, expiry and
// irreversible — the hide action — from its filter). A v1 filter is therefore
// a v2 filter too, listed and applied like any other.

export type V1FilterFields = { phrase: string; context: string[]; irreversible: boolean; wholeWord: boolean; expiresAt: Date | null };
export type V1Filter = { keyword: { id: bigint; keyword: string; wholeWord: boolean }; filter: LoadedFilterRow };

/** Mastodon's refusal when a v1 change would alter a filter that other keywords share. */
const SHARED_FILTER =
  "These parameters cannot be changed from this application because they apply to more than one filter keyword. Use a more recent application or the web interface.";

const actionOf = (irreversible: boolean) => (irreversible ? "hide" : "warn");

function same(a: unknown, b: unknown) {
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  return JSON.stringify(a) === JSON.stringify(b);
}

function split(row: { filter: LoadedFilterRow; id: bigint; keyword: string; wholeWord: boolean }): V1Filter {
  return { keyword: { id: row.id, keyword: row.keyword, wholeWord: row.wholeWord }, filter: row.filter };
}

export class V1FilterService {
  private readonly repo: FilterRepository;
  private readonly filters: FilterService;

  constructor(repo: FilterRepository, filters: FilterService) {
    this.repo = repo;
    this.filters = filters;
  }

  async all(ownerId: bigint): Promise<V1Filter[]> {
    return (await this.repo.keywordsWithFilter(ownerId)).map(split);
  }

  async get(ownerId: bigint, id: bigint): Promise<V1Filter> {
    const row = await this.repo.findKeywordWithFilter(ownerId, id);
    if (!row) throw notFound("Filter");
    return split(row);
  }

  /** A new v2 filter titled with the phrase, holding the phrase as its one keyword. */
  async create(ownerId: bigint, fields: V1FilterFields): Promise<V1Filter> {
    const filter = await this.filters.create(
      ownerId,
      { title: fields.phrase, context: fields.context, action: actionOf(fields.irreversible), expiresAt: fields.expiresAt },
      [{ keyword: fields.phrase, wholeWord: fields.wholeWord }],
    );
    return { keyword: filter.keywords[0]!, filter };
  }

  /** Keyword changes always apply; filter changes only while the filter has this one keyword (as on Mastodon). */
  async update(ownerId: bigint, id: bigint, fields: Partial<V1FilterFields>): Promise<V1Filter> {
    const { filter } = await this.get(ownerId, id);
    const wanted: Partial<FilterFields> = {
      title: fields.phrase,
      context: fields.context,
      action: fields.irreversible === undefined ? undefined : actionOf(fields.irreversible),
      expiresAt: fields.expiresAt,
    };
    const changed = Object.fromEntries(Object.entries(wanted).filter(([key, value]) => value !== undefined && !same(value, filter[key as keyof FilterFields]))) as Partial<FilterFields>;
    if (Object.keys(changed).length && filter.keywords.length > 1) throw unprocessable(SHARED_FILTER);
    const keywordChanged = fields.phrase !== undefined || fields.wholeWord !== undefined;
    await this.filters.update(ownerId, filter.id, changed, keywordChanged ? [{ id, keyword: fields.phrase, wholeWord: fields.wholeWord }] : []);
    return this.get(ownerId, id);
  }

  /** Removes the keyword, and its filter with it when nothing else is left in it. */
  async delete(ownerId: bigint, id: bigint) {
    const { filter } = await this.get(ownerId, id);
    if (filter.keywords.length === 1 && !filter.statuses.length) await this.filters.delete(ownerId, filter.id);
    else await this.filters.deleteKeyword(ownerId, id);
  }
}
