import type { Db } from "../db/client.ts";
import type { AccountImport, Prisma } from "../generated/prisma/client.ts";

export type { AccountImport };

type Named = { username: string; domain: string | null };

/** What an account's exports list, and its imports' progress. */
export class PortabilityRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  following(accountId: bigint) {
    return this.db.follow.findMany({
      where: { followerId: accountId, state: "accepted" },
      orderBy: { id: "asc" },
      select: { showReblogs: true, notify: true, following: { select: { id: true, username: true, domain: true } } },
    });
  }

  async listMembers(accountId: bigint): Promise<{ title: string; account: Named }[]> {
    const rows = await this.db.listAccount.findMany({
      where: { list: { accountId } },
      orderBy: [{ listId: "asc" }, { accountId: "asc" }],
      select: { list: { select: { title: true } }, account: { select: { username: true, domain: true } } },
    });
    return rows.map((r) => ({ title: r.list.title, account: r.account }));
  }

  blocked(accountId: bigint) {
    return this.db.block.findMany({ where: { accountId }, orderBy: { id: "asc" }, select: { target: { select: { id: true, username: true, domain: true } } } });
  }

  muted(accountId: bigint) {
    return this.db.mute.findMany({
      where: { accountId, OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] },
      orderBy: { id: "asc" },
      select: { notifications: true, target: { select: { id: true, username: true, domain: true } } },
    });
  }

  async blockedDomains(accountId: bigint): Promise<string[]> {
    return (await this.db.accountDomainBlock.findMany({ where: { accountId }, orderBy: { id: "asc" }, select: { domain: true } })).map((d) => d.domain);
  }

  async bookmarkUris(accountId: bigint): Promise<string[]> {
    return (await this.db.bookmark.findMany({ where: { accountId }, orderBy: { id: "asc" }, select: { status: { select: { uri: true } } } })).map((b) => b.status.uri);
  }

  createImport(data: { accountId: bigint; type: string; mode: string; rows: Prisma.InputJsonValue; total: number; failed: number; errors: Prisma.InputJsonValue }) {
    return this.db.accountImport.create({ data });
  }

  findImport(id: bigint) {
    return this.db.accountImport.findUnique({ where: { id } });
  }

  importsOf(accountId: bigint) {
    return this.db.accountImport.findMany({ where: { accountId }, orderBy: { id: "desc" }, take: 20 });
  }

  /** The job's place in the rows, and what failed so far. */
  progress(id: bigint, data: { processed: number; failed: number; errors: Prisma.InputJsonValue }) {
    return this.db.accountImport.update({ where: { id }, data });
  }

  finishImport(id: bigint) {
    return this.db.accountImport.updateMany({ where: { id, finishedAt: null }, data: { finishedAt: new Date() } });
  }

  unfinishedImports() {
    return this.db.accountImport.findMany({ where: { finishedAt: null }, select: { id: true } });
  }
}
