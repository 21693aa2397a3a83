import type { Db } from "../db/client.ts";
import type { IdRange } from "../notifications/notification.repository.ts";
import { idWhere } from "../notifications/notification.repository.ts";

/** A mute counts until it expires; expired rows are ignored rather than swept. */
export const activeMute = (now: Date) => ({ OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] });

export class MuteRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  /** Muting again updates the options, as on Mastodon. */
  upsert(data: { accountId: bigint; targetId: bigint; notifications: boolean; expiresAt: Date | null }) {
    return this.db.mute.upsert({
      where: { accountId_targetId: { accountId: data.accountId, targetId: data.targetId } },
      create: data,
      update: { notifications: data.notifications, expiresAt: data.expiresAt },
    });
  }

  remove(accountId: bigint, targetId: bigint) {
    return this.db.mute.deleteMany({ where: { accountId, targetId } });
  }

  /** The accounts this account mutes now: hidden from its timelines. */
  mutedIds(accountId: bigint, now = new Date()) {
    return this.db.mute
      .findMany({ where: { accountId, ...activeMute(now) }, select: { targetId: true } })
      .then((rows) => rows.map((r) => r.targetId));
  }

  among(accountId: bigint, targetIds: bigint[], now = new Date()) {
    return this.db.mute.findMany({ where: { accountId, targetId: { in: targetIds }, ...activeMute(now) } });
  }

  page(accountId: bigint, range: IdRange, now = new Date()) {
    return this.db.mute.findMany({
      where: { accountId, id: idWhere(range), ...activeMute(now) },
      orderBy: { id: range.minId !== undefined ? "asc" : "desc" },
      take: range.limit,
      include: { target: true },
    });
  }
}
