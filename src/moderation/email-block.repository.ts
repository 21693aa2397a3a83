import type { Db } from "../db/client.ts";
import { idWhere, type IdRange } from "../notifications/notification.repository.ts";

export class EmailBlockRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  page(range: IdRange) {
    return this.db.canonicalEmailBlock.findMany({ where: { id: idWhere(range) }, orderBy: { id: range.minId ? "asc" : "desc" }, take: range.limit });
  }

  find(id: bigint) {
    return this.db.canonicalEmailBlock.findUnique({ where: { id } });
  }

  findByHash(canonicalEmailHash: string) {
    return this.db.canonicalEmailBlock.findUnique({ where: { canonicalEmailHash } });
  }

  create(canonicalEmailHash: string) {
    return this.db.canonicalEmailBlock.create({ data: { canonicalEmailHash } });
  }

  delete(id: bigint) {
    return this.db.canonicalEmailBlock.delete({ where: { id } });
  }
}
