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

/** Width and height as shown: EXIF orientations 5–8 turn the picture a quarter. Null if the header is unreadable. */
export function imageDimensions(data: Uint8Array): { width: number; height: number } | null {
  try {
    const size = imageSize(data);
    if (!size.width || !size.height) return null;
    const turned = size.orientation !== undefined && size.orientation >= 5;
    return turned ? { width: size.height, height: size.width } : { width: size.width, height: size.height };
  } catch {
    return null;
  }
}
