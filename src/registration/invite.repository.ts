import type { Db } from "../db/client.ts";
import type { Invite } from "../generated/prisma/client.ts";

export type { Invite };

/** Where an invite is still usable at `now`: not expired, uses left. */
const usable = (db: Db, now: Date) => ({
  AND: [{ OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] }, { OR: [{ maxUses: null }, { uses: { lt: db.invite.fields.maxUses } }] }],
});

export class InviteRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  create(data: { code: string; maxUses: number | null; expiresAt: Date | null; autoFollow: boolean; createdById: bigint | null }) {
    return this.db.invite.create({ data: { ...data } });
  }

  findByCode(code: string) {
    return this.db.invite.findUnique({ where: { code } });
  }

  findById(id: bigint) {
    return this.db.invite.findUnique({ where: { id } });
  }

  findUsable(code: string, now: Date) {
    return this.db.invite.findFirst({ where: { code, ...usable(this.db, now) } });
  }

  list(options: { createdById?: bigint; usableAt?: Date }) {
    return this.db.invite.findMany({
      where: { ...(options.createdById !== undefined ? { createdById: options.createdById } : {}), ...(options.usableAt ? usable(this.db, options.usableAt) : {}) },
      orderBy: { id: "desc" },
    });
  }

  /** Takes one use of the invite if it is still usable, in one statement: two sign-ups cannot both take the last use. */
  async claim(code: string, now: Date): Promise<Invite | null> {
    const { count } = await this.db.invite.updateMany({ where: { code, ...usable(this.db, now) }, data: { uses: { increment: 1 } } });
    return count === 1 ? this.db.invite.findUnique({ where: { code } }) : null;
  }

  expire(id: bigint, at: Date) {
    return this.db.invite.update({ where: { id }, data: { expiresAt: at } });
  }

  userExists(accountId: bigint) {
    return this.db.user.count({ where: { accountId } }).then((n) => n > 0);
  }
}
