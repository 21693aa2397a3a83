import type { Db } from "../db/client.ts";
import { queryRows } from "../db/direct.ts";
import { Prisma, type MediaAttachment } from "../generated/prisma/client.ts";

export type { MediaAttachment };

/** The files of a removed media row. */
export type StoredFiles = { storageKey: string | null; previewKey: string | null };

/** Which unattached media to remove: these ids of this account, or any uploaded before a time. */
export type UnattachedQuery = { ids: bigint[]; accountId: bigint } | { createdBefore: Date; limit: number };

export class MediaRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  create(data: Prisma.MediaAttachmentUncheckedCreateInput) {
    return this.db.mediaAttachment.create({ data });
  }

  findById(id: bigint) {
    return this.db.mediaAttachment.findUnique({ where: { id } });
  }

  /** In upload order, which is the order they are shown in. */
  findByIds(ids: bigint[]) {
    if (!ids.length) return Promise.resolve([]);
    return this.db.mediaAttachment.findMany({ where: { id: { in: ids } }, orderBy: { id: "asc" } });
  }

  update(id: bigint, data: Pick<Prisma.MediaAttachmentUncheckedUpdateInput, "description" | "focusX" | "focusY">) {
    return this.db.mediaAttachment.update({ where: { id }, data });
  }

  /** A queued upload's preview is ready; false if the row is gone or was finished already. */
  async finishProcessing(id: bigint, data: Pick<Prisma.MediaAttachmentUncheckedUpdateInput, "previewKey" | "previewWidth" | "previewHeight" | "blurhash">): Promise<boolean> {
    const { count } = await this.db.mediaAttachment.updateMany({ where: { id, processing: "queued" }, data: { ...data, processing: "complete" } });
    return count > 0;
  }

  /**
   * Deletes media attached to no status and held by no scheduled post, and
   * says which files they had. One statement, so media attached meanwhile are
   * never taken.
   */
  deleteUnattached(query: UnattachedQuery): Promise<StoredFiles[]> {
    const which =
      "ids" in query
        ? Prisma.sql`m.id = ANY(${query.ids}::bigint[]) AND m."accountId" = ${query.accountId}`
        : Prisma.sql`m."createdAt" < ${query.createdBefore}`;
    const limit = "limit" in query ? Prisma.sql`LIMIT ${query.limit}` : Prisma.empty;
    return queryRows<StoredFiles>(this.db, Prisma.sql`
      DELETE FROM "MediaAttachment" WHERE id IN (
        SELECT m.id FROM "MediaAttachment" m
        WHERE m."statusId" IS NULL AND ${which}
          AND NOT EXISTS (SELECT 1 FROM "ScheduledStatus" s WHERE s."accountId" = m."accountId" AND m.id = ANY(s."mediaIds"))
        ${limit}
        FOR UPDATE SKIP LOCKED
      )
      RETURNING "storageKey", "previewKey"`);
  }

  /** Ids among these that a scheduled post of the account is holding for later. */
  async reservedByScheduled(accountId: bigint, ids: bigint[]): Promise<bigint[]> {
    if (!ids.length) return [];
    const rows = await this.db.scheduledStatus.findMany({ where: { accountId, mediaIds: { hasSome: ids } }, select: { mediaIds: true } });
    const held = new Set(rows.flatMap((r) => r.mediaIds));
    return ids.filter((id) => held.has(id));
  }
}
