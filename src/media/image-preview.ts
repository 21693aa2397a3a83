import { encode as blurhashOf } from "blurhash";
import * as jpeg from "jpeg-js";
import { PNG } from "pngjs";
import type { Rgba } from "./image-decode.ts";

// The small version clients show in timelines (Mastodon's `small` style) and
// the blurhash they paint while it loads. The preview is re-encoded from the
// pixels, so it carries no metadata at all.

/** Mastodon's small style: at most 640×360 worth of pixels, any shape. */
export const PREVIEW_PIXELS = 230_400;
/** Mastodon's blurhash: 4×4 components. */
const BLURHASH_COMPONENTS = 4;
/** The blurhash is taken from a thumbnail this wide or high at most: it only keeps 16 colours' worth. */
const BLURHASH_SOURCE_SIDE = 64;
const JPEG_QUALITY = 80;

export type Preview = { data: Buffer; mimeType: "image/jpeg" | "image/png"; width: number; height: number; blurhash: string };

/** Largest size of the same shape within `maxPixels`, never larger than the image itself. */
export function fitWithin(width: number, height: number, maxPixels: number): { width: number; height: number } {
  if (width * height <= maxPixels) return { width, height };
  const scale = Math.sqrt(maxPixels / (width * height));
  return { width: Math.max(1, Math.floor(width * scale)), height: Math.max(1, Math.floor(height * scale)) };
}

/**
 * The picture turned upright (EXIF orientation 1–8) and shrunk to `width`×`height`
 * with an area filter: each pixel of the result is the mean of the pixels it covers.
 */
export function orientAndShrink(image: Rgba, orientation: number, width: number, height: number): Rgba {
  const { width: w, height: h, data: src } = image;
  const turned = orientation >= 5;
  const shownW = turned ? h : w;
  const shownH = turned ? w : h;
  const sums = new Float64Array(width * height * 4);
  const counts = new Uint32Array(width * height);
  // Which output column and row each shown column and row falls in.
  const colOf = new Uint32Array(shownW);
  const rowOf = new Uint32Array(shownH);
  for (let u = 0; u < shownW; u++) colOf[u] = Math.min(width - 1, Math.floor((u * width) / shownW));
  for (let v = 0; v < shownH; v++) rowOf[v] = Math.min(height - 1, Math.floor((v * height) / shownH));
  const [ux, uy, uc, vx, vy, vc] = turns(orientation, w, h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = rowOf[vx * x + vy * y + vc]! * width + colOf[ux * x + uy * y + uc]!;
      const i = (y * w + x) * 4;
      const s = o * 4;
      sums[s] = sums[s]! + src[i]!;
      sums[s + 1] = sums[s + 1]! + src[i + 1]!;
      sums[s + 2] = sums[s + 2]! + src[i + 2]!;
      sums[s + 3] = sums[s + 3]! + src[i + 3]!;
      counts[o] = counts[o]! + 1;
    }
  }
  const out = new Uint8Array(width * height * 4);
  for (let o = 0; o < counts.length; o++) {
    const n = counts[o]! || 1;
    for (let c = 0; c < 4; c++) out[o * 4 + c] = Math.round(sums[o * 4 + c]! / n);
  }
  return { width, height, data: out };
}

/**
 * Where the stored pixel (x, y) of a w×h image is shown, for each EXIF
 * orientation, as u = ux·x + uy·y + uc and v = vx·x + vy·y + vc.
 */
function turns(orientation: number, w: number, h: number): [number, number, number, number, number, number] {
  switch (orientation) {
    case 2: return [-1, 0, w - 1, 0, 1, 0];
    case 3: return [-1, 0, w - 1, 0, -1, h - 1];
    case 4: return [1, 0, 0, 0, -1, h - 1];
    case 5: return [0, 1, 0, 1, 0, 0];
    case 6: return [0, -1, h - 1, 1, 0, 0];
    case 7: return [0, -1, h - 1, -1, 0, w - 1];
    case 8: return [0, 1, 0, -1, 0, w - 1];
    default: return [1, 0, 0, 0, 1, 0];
  }
}

const hasTransparency = (image: Rgba) => {
  for (let i = 3; i < image.data.length; i += 4) if (image.data[i]! < 255) return true;
  return false;
};

export function makePreview(image: Rgba, orientation: number): Preview {
  const turned = orientation >= 5;
  const size = fitWithin(turned ? image.height : image.width, turned ? image.width : image.height, PREVIEW_PIXELS);
  const small = orientAndShrink(image, orientation, size.width, size.height);
  const thumb = fitWithin(small.width, small.height, BLURHASH_SOURCE_SIDE * BLURHASH_SOURCE_SIDE);
  const tiny = orientAndShrink(small, 1, thumb.width, thumb.height);
  const blurhash = blurhashOf(new Uint8ClampedArray(tiny.data.buffer, tiny.data.byteOffset, tiny.data.byteLength), tiny.width, tiny.height, BLURHASH_COMPONENTS, BLURHASH_COMPONENTS);
  // JPEG has no transparency: a picture that has some keeps it in a PNG preview.
  if (hasTransparency(small)) {
    const png = new PNG({ width: small.width, height: small.height });
    png.data = Buffer.from(small.data.buffer, small.data.byteOffset, small.data.byteLength);
    return { data: PNG.sync.write(png), mimeType: "image/png", width: small.width, height: small.height, blurhash };
  }
  const data = jpeg.encode({ data: small.data, width: small.width, height: small.height }, JPEG_QUALITY).data;
  return { data, mimeType: "image/jpeg", width: small.width, height: small.height, blurhash };
}
