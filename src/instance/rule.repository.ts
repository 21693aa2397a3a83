import type { Db } from "../db/client.ts";
import type { Rule } from "../generated/prisma/client.ts";

export type { Rule };

export class RuleRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  /** In the order the instance shows them. */
  all() {
    return this.db.rule.findMany({ orderBy: [{ position: "asc" }, { id: "asc" }] });
  }

  find(id: bigint) {
    return this.db.rule.findUnique({ where: { id } });
  }

  findByIds(ids: bigint[]) {
    return this.db.rule.findMany({ where: { id: { in: ids } }, orderBy: [{ position: "asc" }, { id: "asc" }] });
  }

  async create(data: { text: string; hint: string; position?: number }) {
    const position = data.position ?? ((await this.db.rule.aggregate({ _max: { position: true } }))._max.position ?? -1) + 1;
    return this.db.rule.create({ data: { text: data.text, hint: data.hint, position } });
  }

  update(id: bigint, data: Partial<Pick<Rule, "text" | "hint" | "position">>) {
    return this.db.rule.update({ where: { id }, data });
  }

  delete(id: bigint) {
    return this.db.rule.delete({ where: { id } });
  }
}
