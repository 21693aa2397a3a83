import type { Db } from "../db/client.ts";

export class MarkerRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  find(accountId: bigint, timelines: string[]) {
    return this.db.marker.findMany({ where: { accountId, timeline: { in: timelines } } });
  }

  /** Each save bumps the version, so clients can tell a marker moved under them. */
  save(accountId: bigint, timeline: string, lastReadId: bigint) {
    return this.db.marker.upsert({
      where: { accountId_timeline: { accountId, timeline } },
      create: { accountId, timeline, lastReadId },
      update: { lastReadId, version: { increment: 1 } },
    });
  }
}
