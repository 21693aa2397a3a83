import type { Db } from "../db/client.ts";
import { reserveId } from "../db/ids.ts";

export class BlockRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  async create(data: { id?: bigint; accountId: bigint; targetId: bigint; uri: string }) {
    const result = await this.db.block.createMany({ data: [data], skipDuplicates: true });
    const block = await this.db.block.findUnique({ where: { accountId_targetId: { accountId: data.accountId, targetId: data.targetId } } });
    return { block: block!, created: result.count > 0 };
  }

  async remove(accountId: bigint, targetId: bigint) {
    const block = await this.db.block.findUnique({ where: { accountId_targetId: { accountId, targetId } } });
    if (block) await this.db.block.deleteMany({ where: { id: block.id } });
    return block;
  }

  /** The id of a row to be written by this server: its URI names it. */
  reserveId() {
    return reserveId(this.db);
  }

  findById(id: bigint) {
    return this.db.block.findUnique({ where: { id } });
  }

  blocks(accountId: bigint, targetId: bigint) {
    return this.db.block.count({ where: { accountId, targetId } }).then((n) => n > 0);
  }

  eitherBlocks(a: bigint, b: bigint) {
    return this.db.block
      .count({ where: { OR: [{ accountId: a, targetId: b }, { accountId: b, targetId: a }] } })
      .then((n) => n > 0);
  }

  between(accountId: bigint, targetIds: bigint[]) {
    return this.db.block.findMany({
      where: {
        OR: [
          { accountId, targetId: { in: targetIds } },
          { targetId: accountId, accountId: { in: targetIds } },
        ],
      },
    });
  }

  /** The accounts this account blocks, a page at a time by block id (Mastodon's Link pagination). */
  page(accountId: bigint, range: { lt?: bigint; gt?: bigint } | undefined, limit: number, ascending: boolean) {
    return this.db.block.findMany({
      where: { accountId, ...(range ? { id: range } : {}) },
      orderBy: { id: ascending ? "asc" : "desc" },
      take: limit,
      include: { target: true },
    });
  }

  /** Ids of everyone this account blocks or is blocked by: hidden from its timelines. */
  async hiddenFor(accountId: bigint): Promise<bigint[]> {
    const rows = await this.db.block.findMany({
      where: { OR: [{ accountId }, { targetId: accountId }] },
      select: { accountId: true, targetId: true },
    });
    return rows.map((r) => (r.accountId === accountId ? r.targetId : r.accountId));
  }
}
