import { notFound, unprocessable } from "../errors.ts";
import type { StatusService } from "../statuses/status.service.ts";
import { silentBus, type EventBus } from "../streaming/events.ts";
import { isHidden, matchFilters, type Filterable, type FilterMatch } from "./filter.match.ts";
import type { FilterFields, FilterRepository, KeywordChange, KeywordFields } from "./filter.repository.ts";

export const FILTER_CONTEXTS = ["home", "notifications", "public", "thread", "account"] as const;
export type FilterContext = (typeof FILTER_CONTEXTS)[number];
export const FILTER_ACTIONS = ["warn", "hide", "blur"] as const;

export type LoadedFilterRow = NonNullable<Awaited<ReturnType<FilterRepository["find"]>>>;

/** How a page of statuses is to be shown to one viewer: what to drop, what to mark. */
export type FilterVerdicts = { hidden: Set<bigint>; matches: Map<bigint, FilterMatch<LoadedFilterRow>[]> };

export class FilterService {
  private readonly filters: FilterRepository;
  private readonly statuses: StatusService;
  /** Live updates (the streaming API's filters_changed); set by the core once the bus exists. */
  events: EventBus = silentBus;

  constructor(filters: FilterRepository, statuses: StatusService) {
    this.filters = filters;
    this.statuses = statuses;
  }

  async get(ownerId: bigint, id: bigint) {
    const filter = await this.filters.find(ownerId, id);
    if (!filter) throw notFound("Filter");
    return filter;
  }

  all(ownerId: bigint) {
    return this.filters.all(ownerId);
  }

  async create(ownerId: bigint, fields: FilterFields, keywords: KeywordFields[]) {
    const filter = await this.filters.save({ accountId: ownerId, create: true, ...fields }, keywords.map(checkKeyword));
    await this.changed(ownerId);
    return filter!;
  }

  async update(ownerId: bigint, id: bigint, fields: Partial<FilterFields>, changes: KeywordChange[]) {
    const filter = await this.get(ownerId, id);
    const own = new Set(filter.keywords.map((k) => k.id));
    for (const change of changes) {
      if (change.id !== undefined && !own.has(change.id)) throw notFound("Keyword");
      if (change.id === undefined || (!change.destroy && change.keyword !== undefined)) checkKeyword({ keyword: change.keyword!, wholeWord: true });
    }
    const saved = await this.filters.save({ id, accountId: ownerId, create: false, ...fields }, changes);
    await this.changed(ownerId);
    return saved!;
  }

  async delete(ownerId: bigint, id: bigint) {
    await this.get(ownerId, id);
    await this.filters.delete(id);
    await this.changed(ownerId);
  }

  async keywords(ownerId: bigint, filterId: bigint) {
    await this.get(ownerId, filterId);
    return this.filters.keywordsOf(ownerId, filterId);
  }

  async getKeyword(ownerId: bigint, id: bigint) {
    const keyword = await this.filters.findKeyword(ownerId, id);
    if (!keyword) throw notFound("Keyword");
    return keyword;
  }

  async addKeyword(ownerId: bigint, filterId: bigint, fields: KeywordFields) {
    await this.get(ownerId, filterId);
    const keyword = await this.filters.addKeyword({ filterId, ...checkKeyword(fields) });
    await this.changed(ownerId);
    return keyword;
  }

  async updateKeyword(ownerId: bigint, id: bigint, fields: Partial<KeywordFields>) {
    await this.getKeyword(ownerId, id);
    if (fields.keyword !== undefined) checkKeyword({ keyword: fields.keyword, wholeWord: true });
    const keyword = await this.filters.updateKeyword(id, fields);
    await this.changed(ownerId);
    return keyword;
  }

  async deleteKeyword(ownerId: bigint, id: bigint) {
    await this.getKeyword(ownerId, id);
    await this.filters.deleteKeyword(id);
    await this.changed(ownerId);
  }

  async statusFilters(ownerId: bigint, filterId: bigint) {
    await this.get(ownerId, filterId);
    return this.filters.statusesOf(ownerId, filterId);
  }

  async getStatusFilter(ownerId: bigint, id: bigint) {
    const row = await this.filters.findStatus(ownerId, id);
    if (!row) throw notFound("Status filter");
    return row;
  }

  /** The status must be one the owner can see: filtering does not reveal hidden posts. */
  async addStatus(ownerId: bigint, filterId: bigint, statusId: bigint) {
    await this.get(ownerId, filterId);
    await this.statuses.getVisible(statusId, ownerId);
    const row = await this.filters.addStatus({ filterId, statusId });
    if (!row) throw unprocessable("Validation failed: Status has already been taken");
    await this.changed(ownerId);
    return row;
  }

  async deleteStatus(ownerId: bigint, id: bigint) {
    await this.getStatusFilter(ownerId, id);
    await this.filters.deleteStatus(id);
    await this.changed(ownerId);
  }

  /** Streaming clients refetch their filters when told they changed. */
  private changed(accountId: bigint) {
    return this.events.publish({ type: "filters.changed", accountId });
  }

  /**
   * Runs the viewer's filters for one context over a page: one query for the
   * filters, then matching in memory. The viewer's own posts are never filtered.
   */
  async verdicts(viewerId: bigint | null, context: FilterContext, statuses: (Filterable & { accountId: bigint })[]): Promise<FilterVerdicts> {
    const verdicts: FilterVerdicts = { hidden: new Set(), matches: new Map() };
    if (viewerId === null || !statuses.length) return verdicts;
    const filters = await this.filters.active(viewerId, context);
    if (!filters.length) return verdicts;
    for (const status of statuses) {
      const author = (status.reblogOf as { accountId?: bigint } | null | undefined)?.accountId ?? status.accountId;
      if (author === viewerId) continue;
      const matches = matchFilters(filters, status);
      if (!matches.length) continue;
      if (isHidden(matches)) verdicts.hidden.add(status.id);
      else verdicts.matches.set(status.id, matches);
    }
    return verdicts;
  }
}

function checkKeyword<K extends KeywordFields>(k: K): K {
  if (!k.keyword?.trim()) throw unprocessable("Validation failed: Keyword can't be blank");
  if (k.keyword.length > 512) throw unprocessable("Validation failed: Keyword is too long (maximum is 512 characters)");
  return k;
}
