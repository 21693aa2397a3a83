import { imageSize } from "image-size";

// What an uploaded file really is, judged by its first bytes rather than the
// type the client declared, and how large it is on screen.

export type ImageKind = { mimeType: "image/jpeg" | "image/png" | "image/gif" | "image/webp"; extension: "jpg" | "png" | "gif" | "webp" };

const startsWith = (data: Uint8Array, bytes: number[], at = 0) => bytes.every((b, i) => data[at + i] === b);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

export function sniffImage(data: Uint8Array): ImageKind | null {
  if (startsWith(data, [0xff, 0xd8, 0xff])) return { mimeType: "image/jpeg", extension: "jpg" };
  if (startsWith(data, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { mimeType: "image/png", extension: "png" };
  if (startsWith(data, ascii("GIF87a")) || startsWith(data, ascii("GIF89a"))) return { mimeType: "image/gif", extension: "gif" };
  if (startsWith(data, ascii("RIFF")) && startsWith(data, ascii("WEBP"), 8)) return { mimeType: "image/webp", extension: "webp" };
  return null;
}

/**
 * Largest picture accepted, in pixels (Mastodon's image_matrix_limit, 7680×4320).
 * Decoding needs four bytes a pixel, so a small file that declares a huge
 * picture (a decompression bomb) is refused on its header alone.
 */
export const MAX_IMAGE_PIXELS = 33_177_600;

/** Size as stored, EXIF orientation (1 when none), and size as shown: orientations 5–8 turn the picture a quarter. */
export type ImageHeader = { storedWidth: number; storedHeight: number; orientation: number; width: number; height: number };

/** What the file's header declares, or null if it is unreadable. */
export function readImageHeader(data: Uint8Array): ImageHeader | null {
  try {
    const size = imageSize(data);
    if (!size.width || !size.height) return null;
    const orientation = size.orientation !== undefined && size.orientation >= 1 && size.orientation <= 8 ? size.orientation : 1;
    const turned = orientation >= 5;
    return { storedWidth: size.width, storedHeight: size.height, orientation, width: turned ? size.height : size.width, height: turned ? size.width : size.height };
  } catch {
    return null;
  }
}
