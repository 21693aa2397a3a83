import { canDecode, decodeImage, DecodeError } from "./image-decode.ts";
import type { ImageKind } from "./image-probe.ts";
import { makePreview, type Preview } from "./image-preview.ts";

// One image's pixel work: decode, turn upright, shrink, blurhash, encode. It
// runs in a worker thread (image-thread.ts), since decoding a 12-megapixel
// JPEG in JavaScript takes over a second that no request should wait on.

export type ImageTask = { data: Uint8Array; mimeType: ImageKind["mimeType"]; orientation: number; maxPixels: number };

/** The preview, or null when the file cannot be decoded (it is still served as uploaded). */
export function processImage(task: ImageTask): Preview | null {
  if (!canDecode(task.mimeType)) return null;
  try {
    return makePreview(decodeImage(task.data, task.mimeType, task.maxPixels), task.orientation);
  } catch (err) {
    if (err instanceof DecodeError) return null;
    throw err;
  }
}
