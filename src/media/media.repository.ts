import type { Db } from "../db/client.ts";
import type { MediaAttachment, Prisma } from "../generated/prisma/client.ts";

export type { MediaAttachment };

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

  /** Ids among these that a scheduled post of the account is holding for later. */
  async reservedByScheduled(accountId: bigint, ids: bigint[]): Promise<bigint[]> {
    if (!ids.length) return [];
    const rows = await this.db.scheduledStatus.findMany({ where: { accountId, mediaIds: { hasSome: ids } }, select: { mediaIds: true } });
    const held = new Set(rows.flatMap((r) => r.mediaIds));
    return ids.filter((id) => held.has(id));
  }
}
