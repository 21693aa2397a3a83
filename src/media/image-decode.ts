import { inflateSync } from "node:zlib";
import * as jpeg from "jpeg-js";
import { GifReader } from "omggif";
import { PNG } from "pngjs";
import type { ImageKind } from "./image-probe.ts";

// Pixels of an uploaded image, in pure JavaScript (no native addon): jpeg-js,
// pngjs and omggif (a GIF's first frame). WebP has no pure-JS decoder, so a
// WebP gets no preview. Every decoder is held to `maxPixels`, whatever the
// header said, so a crafted file cannot make it allocate without bound.

/** Four bytes a pixel (RGBA), row after row, as stored (before any EXIF turn). */
export type Rgba = { width: number; height: number; data: Uint8Array };

export class DecodeError extends Error {}

export function canDecode(kind: ImageKind["mimeType"]): boolean {
  return kind !== "image/webp";
}

export function decodeImage(data: Uint8Array, kind: ImageKind["mimeType"], maxPixels: number): Rgba {
  switch (kind) {
    case "image/jpeg":
      return decodeJpeg(data, maxPixels);
    case "image/png":
      return decodePng(Buffer.from(data.buffer, data.byteOffset, data.byteLength), maxPixels);
    case "image/gif":
      return decodeGif(data, maxPixels);
    case "image/webp":
      throw new DecodeError("WebP images are not decoded");
  }
}

const checkSize = (width: number, height: number, maxPixels: number) => {
  if (!(width > 0 && height > 0)) throw new DecodeError("The image has no pixels");
  if (width * height > maxPixels) throw new DecodeError(`The image has more than ${maxPixels} pixels`);
};

function decodeJpeg(data: Uint8Array, maxPixels: number): Rgba {
  try {
    const image = jpeg.decode(data, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: maxPixels / 1e6, maxMemoryUsageInMB: 1024 });
    checkSize(image.width, image.height, maxPixels);
    return image;
  } catch (err) {
    throw err instanceof DecodeError ? err : new DecodeError(`JPEG: ${(err as Error).message ?? err}`);
  }
}

function decodePng(data: Buffer, maxPixels: number): Rgba {
  try {
    checkSize(data.readUInt32BE(16), data.readUInt32BE(20), maxPixels);
    // pngjs bounds what it inflates for plain PNGs but not for interlaced ones.
    if (data[28] === 1) checkInterlacedSize(data);
    const image = PNG.sync.read(data);
    return { width: image.width, height: image.height, data: image.data };
  } catch (err) {
    throw err instanceof DecodeError ? err : new DecodeError(`PNG: ${(err as Error).message ?? err}`);
  }
}

/** Inflates the image data with a ceiling: a zlib bomb fails here instead of filling memory. */
function checkInterlacedSize(data: Buffer) {
  const width = data.readUInt32BE(16);
  const height = data.readUInt32BE(20);
  const idat: Buffer[] = [];
  for (let pos = 8; pos + 12 <= data.length; ) {
    const length = data.readUInt32BE(pos);
    if (data.toString("latin1", pos + 4, pos + 8) === "IDAT") idat.push(data.subarray(pos + 8, pos + 8 + length));
    pos += 12 + length;
  }
  // At most 8 bytes a pixel (16-bit RGBA), and a filter byte and a partial byte per row of each of the 7 passes.
  const ceiling = width * height * 8 + 7 * 2 * (height + 8);
  try {
    inflateSync(Buffer.concat(idat), { maxOutputLength: ceiling });
  } catch {
    throw new DecodeError("PNG: the image data is larger than its size allows");
  }
}

function decodeGif(data: Uint8Array, maxPixels: number): Rgba {
  try {
    const reader = new GifReader(data);
    checkSize(reader.width, reader.height, maxPixels);
    if (reader.numFrames() < 1) throw new DecodeError("GIF: no frames");
    const frame = reader.frameInfo(0);
    // A frame may declare more pixels than the screen it sits on; it is decoded whole before it is placed.
    checkSize(frame.width, frame.height, maxPixels);
    const pixels = new Uint8Array(reader.width * reader.height * 4);
    reader.decodeAndBlitFrameRGBA(0, pixels);
    return { width: reader.width, height: reader.height, data: pixels };
  } catch (err) {
    throw err instanceof DecodeError ? err : new DecodeError(`GIF: ${(err as Error).message ?? err}`);
  }
}
