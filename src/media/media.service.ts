import { randomBytes } from "node:crypto";
import type { Account } from "../accounts/account.repository.ts";
import { KithError, notFound, unprocessable } from "../errors.ts";
import type { JobQueue } from "../jobs/jobs.ts";
import { MetadataError, stripMetadata } from "./image-metadata.ts";
import type { ImageProcessor } from "./image-processor.ts";
import { MAX_IMAGE_PIXELS, readImageHeader, sniffImage, type ImageKind } from "./image-probe.ts";
import type { MediaAttachment, MediaRepository, StoredFiles, UnattachedQuery } from "./media.repository.ts";
import { MEDIA_KEY, type MediaStore } from "./media.store.ts";

export const MAX_MEDIA_PER_STATUS = 4;
export const MAX_DESCRIPTION = 1_500;

/**
 * Above this many pixels, a v2 upload's preview and blurhash are made by a
 * job and the API answers 202 with a null url until they are ready, as
 * Mastodon does for large files: decoding 12 megapixels in JavaScript takes
 * well over a second, 4 about half of one.
 */
export const INLINE_MAX_PIXELS = 4_000_000;
/** Media never attached to a status are deleted after a day (Mastodon's MediaCleanupScheduler). */
export const UNATTACHED_TTL_MS = 24 * 60 * 60_000;
/** How often the sweep for such media runs. */
export const UNATTACHED_SWEEP_EVERY_MS = 60 * 60_000;
const SWEEP_BATCH = 500;

const newKey = (extension: string) => `${randomBytes(16).toString("hex")}.${extension}`;

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
  private readonly jobs: JobQueue;
  private readonly images: ImageProcessor;

  constructor(media: MediaRepository, store: MediaStore, maxBytes: number, jobs: JobQueue, images: ImageProcessor) {
    this.media = media;
    this.store = store;
    this.maxBytes = maxBytes;
    this.jobs = jobs;
    this.images = images;
  }

  /**
   * Stores an image the account uploaded, without its metadata; it waits,
   * unattached, for a status. With `defer` (the v2 API) a large image is
   * stored at once and its preview made by a job: it comes back `queued`.
   */
  async upload(account: Account, data: Buffer, input: MediaChanges, options: { defer?: boolean } = {}): Promise<MediaAttachment> {
    const { kind, header, clean } = this.checkImage(data);
    const changes = changesOf(input);
    const key = newKey(kind.extension);
    await this.store.put(key, clean, kind.mimeType);
    const row = {
      accountId: account.id,
      type: "image",
      storageKey: key,
      mimeType: kind.mimeType,
      fileSize: clean.length,
      width: header.width,
      height: header.height,
      ...changes,
    };
    if (options.defer && header.storedWidth * header.storedHeight > INLINE_MAX_PIXELS) {
      const media = await this.media.create({ ...row, processing: "queued" });
      await this.jobs.enqueue("media.process", { mediaId: String(media.id) });
      return media;
    }
    let preview: Awaited<ReturnType<MediaService["makePreview"]>> = null;
    try {
      preview = await this.makePreview(clean, kind.mimeType, header.orientation);
      return await this.media.create({ ...row, ...preview });
    } catch (err) {
      await this.deleteFiles([{ storageKey: key, previewKey: preview?.previewKey ?? null }]);
      throw err;
    }
  }

  /** The job behind a deferred upload: makes its preview and blurhash. Idempotent. */
  async processQueued(id: bigint): Promise<void> {
    const media = await this.media.findById(id);
    if (!media || media.processing !== "queued" || !media.storageKey) return;
    const data = await this.store.get(media.storageKey);
    const kind = data && sniffImage(data);
    const preview = data && kind ? await this.makePreview(data, kind.mimeType, readImageHeader(data)?.orientation ?? 1) : null;
    if (!(await this.media.finishProcessing(id, preview ?? {})) && preview) await this.deleteFiles([{ storageKey: null, previewKey: preview.previewKey }]);
  }

  /** Decodes the image in a worker thread and stores its preview; null when it cannot be decoded. */
  private async makePreview(data: Buffer, mimeType: ImageKind["mimeType"], orientation: number) {
    const preview = await this.images.process({ data, mimeType, orientation, maxPixels: MAX_IMAGE_PIXELS });
    if (!preview) return null;
    const previewKey = newKey(preview.mimeType === "image/png" ? "png" : "jpg");
    await this.store.put(previewKey, preview.data, preview.mimeType);
    return { previewKey, previewWidth: preview.width, previewHeight: preview.height, blurhash: preview.blurhash };
  }

  /**
   * What the file really is (an image of a supported kind within the size and
   * pixel limits, or a 413/422) and its bytes without metadata, to be stored.
   */
  checkImage(data: Buffer) {
    if (data.length > this.maxBytes) throw new KithError(413, `The file is larger than ${this.maxBytes} bytes`);
    const kind = sniffImage(data);
    if (!kind) throw unprocessable("Validation failed: File content type is not supported (JPEG, PNG, GIF or WebP images)");
    const header = readImageHeader(data);
    if (!header) throw unprocessable("Validation failed: File could not be read as an image");
    if (header.storedWidth * header.storedHeight > MAX_IMAGE_PIXELS) {
      throw unprocessable(`Validation failed: The image is ${header.storedWidth}x${header.storedHeight} pixels; images may have at most ${MAX_IMAGE_PIXELS} pixels (7680x4320)`);
    }
    try {
      return { kind, header, clean: stripMetadata(data, kind.mimeType, header.orientation) };
    } catch (err) {
      if (err instanceof MetadataError) throw unprocessable("Validation failed: File could not be read as an image");
      throw err;
    }
  }

  /** Stores a checked image that belongs to no status (an avatar or header) and gives its public URL. */
  async storeImage(data: Buffer): Promise<string> {
    const { kind, clean } = this.checkImage(data);
    const key = newKey(kind.extension);
    await this.store.put(key, clean, kind.mimeType);
    return this.store.url(key);
  }

  /** Removes an image storeImage stored, by its URL (a replaced avatar or header); other URLs are left alone. */
  async removeImage(url: string): Promise<void> {
    const key = url.slice(url.lastIndexOf("/") + 1);
    if (MEDIA_KEY.test(key) && this.store.url(key) === url) await this.store.delete(key);
  }

  /** DELETE /api/v1/media/:id: the account's own media, only while no status or scheduled post uses it. */
  async remove(account: Account, id: bigint): Promise<void> {
    const media = await this.get(account, id);
    if (media.statusId !== null) throw unprocessable("Media attachment is currently used by a status");
    if (!(await this.removeUnattached({ ids: [media.id], accountId: account.id }))) throw unprocessable("Media attachment is currently used by a status");
  }

  /** Deletes unattached media (of a status deleted with delete_media, or old uploads) and their files; how many went. */
  async removeUnattached(query: UnattachedQuery): Promise<number> {
    const files = await this.media.deleteUnattached(query);
    await this.deleteFiles(files);
    return files.length;
  }

  /** The periodic sweep: media uploaded more than a day ago and never posted. */
  async sweepUnattached(now = new Date()): Promise<number> {
    const createdBefore = new Date(now.getTime() - UNATTACHED_TTL_MS);
    let total = 0;
    for (;;) {
      const removed = await this.removeUnattached({ createdBefore, limit: SWEEP_BATCH });
      total += removed;
      if (removed < SWEEP_BATCH) return total;
    }
  }

  private async deleteFiles(files: StoredFiles[]) {
    for (const key of files.flatMap((f) => [f.storageKey, f.previewKey])) {
      if (key) await this.store.delete(key).catch(() => undefined);
    }
  }

  close() {
    return this.images.close();
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
    if (usable.some((m) => m.processing !== "complete")) throw unprocessable("Cannot attach files that have not finished processing. Try again in a moment!");
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
