import type { Db } from "../db/client.ts";

export type FilterFields = { title: string; context: string[]; action: string; expiresAt: Date | null };
export type KeywordFields = { keyword: string; wholeWord: boolean };
/** keywords_attributes of Mastodon's filter update: new, changed or destroyed keywords. */
export type KeywordChange = ({ id?: undefined } & KeywordFields) | { id: bigint; keyword?: string; wholeWord?: boolean; destroy?: boolean };

const withChildren = { keywords: { orderBy: { id: "asc" } }, statuses: { orderBy: { id: "asc" } } } as const;

export class FilterRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  find(accountId: bigint, id: bigint) {
    return this.db.filter.findFirst({ where: { id, accountId }, include: withChildren });
  }

  all(accountId: bigint) {
    return this.db.filter.findMany({ where: { accountId }, include: withChildren, orderBy: { id: "asc" } });
  }

  /** The filters that apply now in one context: one query per page of statuses. */
  active(accountId: bigint, context: string, now = new Date()) {
    return this.db.filter.findMany({
      where: { accountId, context: { has: context }, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
      include: withChildren,
    });
  }

  /** Writes a filter and its keyword changes in one transaction: a refused change leaves nothing half-done. */
  save(filter: ({ id: bigint; create: false } | { create: true }) & { accountId: bigint } & Partial<FilterFields>, changes: KeywordChange[]) {
    return this.db.$transaction(async (tx) => {
      let id: bigint;
      if (filter.create) {
        const { create: _create, accountId, ...fields } = filter;
        id = (await tx.filter.create({ data: { accountId, title: fields.title!, context: fields.context!, action: fields.action, expiresAt: fields.expiresAt } })).id;
      } else {
        const { create: _create, accountId: _owner, id: existing, ...fields } = filter;
        id = existing;
        if (Object.keys(fields).length) await tx.filter.update({ where: { id }, data: fields });
      }
      for (const change of changes) {
        if (change.id === undefined) {
          await tx.filterKeyword.create({ data: { filterId: id, keyword: change.keyword, wholeWord: change.wholeWord } });
        } else if (change.destroy) {
          await tx.filterKeyword.deleteMany({ where: { id: change.id, filterId: id } });
        } else {
          await tx.filterKeyword.updateMany({
            where: { id: change.id, filterId: id },
            data: { ...(change.keyword !== undefined ? { keyword: change.keyword } : {}), ...(change.wholeWord !== undefined ? { wholeWord: change.wholeWord } : {}) },
          });
        }
      }
      return tx.filter.findUnique({ where: { id }, include: withChildren });
    });
  }

  delete(id: bigint) {
    return this.db.filter.deleteMany({ where: { id } });
  }

  keywordsOf(accountId: bigint, filterId: bigint) {
    return this.db.filterKeyword.findMany({ where: { filterId, filter: { accountId } }, orderBy: { id: "asc" } });
  }

  /** Keywords with their filter: Mastodon's v1 filters are keywords seen through their filter. */
  keywordsWithFilter(accountId: bigint) {
    return this.db.filterKeyword.findMany({ where: { filter: { accountId } }, include: { filter: { include: withChildren } }, orderBy: { id: "asc" } });
  }

  findKeywordWithFilter(accountId: bigint, id: bigint) {
    return this.db.filterKeyword.findFirst({ where: { id, filter: { accountId } }, include: { filter: { include: withChildren } } });
  }

  findKeyword(accountId: bigint, id: bigint) {
    return this.db.filterKeyword.findFirst({ where: { id, filter: { accountId } } });
  }

  addKeyword(data: { filterId: bigint } & KeywordFields) {
    return this.db.filterKeyword.create({ data });
  }

  updateKeyword(id: bigint, data: Partial<KeywordFields>) {
    return this.db.filterKeyword.update({ where: { id }, data });
  }

  deleteKeyword(id: bigint) {
    return this.db.filterKeyword.deleteMany({ where: { id } });
  }

  statusesOf(accountId: bigint, filterId: bigint) {
    return this.db.filterStatus.findMany({ where: { filterId, filter: { accountId } }, orderBy: { id: "asc" } });
  }

  findStatus(accountId: bigint, id: bigint) {
    return this.db.filterStatus.findFirst({ where: { id, filter: { accountId } } });
  }

  /** Null if the filter already has this status. */
  async addStatus(data: { filterId: bigint; statusId: bigint }) {
    const { count } = await this.db.filterStatus.createMany({ data: [data], skipDuplicates: true });
    return count ? this.db.filterStatus.findUnique({ where: { filterId_statusId: data } }) : null;
  }

  deleteStatus(id: bigint) {
    return this.db.filterStatus.deleteMany({ where: { id } });
  }
}
