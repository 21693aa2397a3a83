import { randomBytes } from "node:crypto";
import type { Account } from "../accounts/account.repository.ts";
import { KithError, notFound, unprocessable } from "../errors.ts";
import { newId } from "../ids.ts";
import { imageDimensions, sniffImage } from "./image-probe.ts";
import type { MediaAttachment, MediaRepository } from "./media.repository.ts";
import type { MediaStore } from "./media.store.ts";

export const MAX_MEDIA_PER_STATUS = 4;
export const MAX_DESCRIPTION = 1_500;

export type MediaChanges = { description?: string | null; focus?: string | null };

/** Mastodon's focal point: "x,y", each from -1 (left, bottom) to 1 (right, top). */
export function parseFocus(focus: string): { focusX: number; focusY: number } {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(focus);
  const [x, y] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (!(Math.abs(x) <= 1 && Math.abs(y) <= 1)) throw unprocessable("Validation failed: focus must be two numbers from -1.0 to 1.0, as \"x,y\"");
  return { focusX: x, focusY: y };
}

function changesOf(input: MediaChanges) {
  if (input.description && [...input.description].length > MAX_DESCRIPTION) {
    throw unprocessable(`Validation failed: Description is too long (maximum is ${MAX_DESCRIPTION} characters)`);
  }
  return {
    ...(input.description !== undefined ? { description: input.description || null } : {}),
    ...(input.focus ? parseFocus(input.focus) : {}),
  };
}

export class MediaService {
  private readonly media: MediaRepository;
  private readonly store: MediaStore;
  private readonly maxBytes: number;

  constructor(media: MediaRepository, store: MediaStore, maxBytes: number) {
    this.media = media;
    this.store = store;
    this.maxBytes = maxBytes;
  }

  /** Stores an image the account uploaded; it waits, unattached, for a status. */
  async upload(account: Account, data: Buffer, input: MediaChanges): Promise<MediaAttachment> {
    const { kind, size } = this.checkImage(data);
    const changes = changesOf(input);
    const key = `${randomBytes(16).toString("hex")}.${kind.extension}`;
    await this.store.put(key, data, kind.mimeType);
    try {
      return await this.media.create({
        id: newId(),
        accountId: account.id,
        type: "image",
        storageKey: key,
        mimeType: kind.mimeType,
        fileSize: data.length,
        width: size.width,
        height: size.height,
        ...changes,
      });
    } catch (err) {
      await this.store.delete(key).catch(() => undefined);
      throw err;
    }
  }

  /** What the file really is: an image of a supported kind within the size limit, or a 413/422. */
  checkImage(data: Buffer) {
    if (data.length > this.maxBytes) throw new KithError(413, `The file is larger than ${this.maxBytes} bytes`);
    const kind = sniffImage(data);
    if (!kind) throw unprocessable("Validation failed: File content type is not supported (JPEG, PNG, GIF or WebP images)");
    const size = imageDimensions(data);
    if (!size) throw unprocessable("Validation failed: File could not be read as an image");
    return { kind, size };
  }

  /** Stores a checked image that belongs to no status (an avatar or header) and gives its public URL. */
  async storeImage(data: Buffer): Promise<string> {
    const { kind } = this.checkImage(data);
    const key = `${randomBytes(16).toString("hex")}.${kind.extension}`;
    await this.store.put(key, data, kind.mimeType);
    return this.store.url(key);
  }

  /** The account's own media, or 404. */
  async get(account: Account, id: bigint): Promise<MediaAttachment> {
    const media = await this.media.findById(id);
    if (!media || media.accountId !== account.id) throw notFound("Record");
    return media;
  }

  /** Alt text and focal point of media not yet posted; posted media change through an edit of their status. */
  async update(account: Account, id: bigint, input: MediaChanges): Promise<MediaAttachment> {
    const media = await this.get(account, id);
    const changes = changesOf(input);
    if (media.statusId !== null) throw unprocessable("Validation failed: Media is attached to a status; edit the status to change it");
    return this.media.update(media.id, changes);
  }

  /**
   * The media an author may attach to a status: at most four, their own, not
   * posted elsewhere (`statusId` may keep its own) and not held by a scheduled post.
   */
  async attachable(account: Account, ids: bigint[], statusId: bigint | null = null): Promise<MediaAttachment[]> {
    const unique = [...new Set(ids)];
    if (unique.length > MAX_MEDIA_PER_STATUS) throw unprocessable(`Validation failed: You cannot attach more than ${MAX_MEDIA_PER_STATUS} files`);
    const rows = await this.media.findByIds(unique);
    const usable = rows.filter((m) => m.accountId === account.id && (m.statusId === null || m.statusId === statusId));
    if (usable.length !== unique.length) throw unprocessable("Validation failed: Media ids must be your own media, not attached to another status");
    const reserved = await this.media.reservedByScheduled(account.id, unique);
    if (reserved.length) throw unprocessable("Validation failed: Media is held by a scheduled status");
    return usable;
  }

  /** Alt text and focal points changed while editing a status (Mastodon's media_attributes). */
  changesFor(input: MediaChanges) {
    return changesOf(input);
  }

  findByIds(ids: bigint[]) {
    return this.media.findByIds(ids);
  }

  file(key: string) {
    return this.store.get(key);
  }

  url(key: string) {
    return this.store.url(key);
  }
}
