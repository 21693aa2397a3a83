import { deflateSync } from "node:zlib";
import * as jpegJs from "jpeg-js";
import { GifWriter } from "omggif";
import { PNG } from "pngjs";
import { chunk as pngChunk } from "./images.ts";

// Real images with real pixels and the metadata cameras and editors leave in
// them (EXIF with GPS, XMP, comments, text chunks), made in memory for the
// media-processing tests. The four quadrants have four colours, so a test can
// tell which way up a picture is shown.

/** What cameras write that we must never serve. */
export const SECRET = "SECRET-GPS-48.8584N-2.2945E";

/** Colours of the stored quadrants: red on the left half, green on the top half, blue 128 everywhere. */
export const QUADRANTS = { topLeft: [255, 255, 128], topRight: [0, 255, 128], bottomLeft: [255, 0, 128], bottomRight: [0, 0, 128] } as const;

/** RGBA pixels: four coloured quadrants, blue 128 throughout; `alpha` for the whole picture. */
export function quadrants(width: number, height: number, alpha = 255): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      data[i] = x < width / 2 ? 255 : 0;
      data[i + 1] = y < height / 2 ? 255 : 0;
      data[i + 2] = 128;
      data[i + 3] = alpha;
    }
  }
  return data;
}

const segment = (marker: number, payload: Buffer) => {
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
};

/** EXIF as a phone writes it: Make, Orientation, and a GPS IFD whose latitude reference hides SECRET in a string. */
function exif(orientation: number): Buffer {
  // Big-endian TIFF: header, IFD0 with 3 entries, GPS IFD with 1 entry, then the strings.
  const make = Buffer.from(`KithCam ${SECRET}\0`, "latin1");
  const gpsText = Buffer.from(`${SECRET}\0`, "latin1");
  const ifd0At = 8;
  const ifd0Size = 2 + 3 * 12 + 4;
  const gpsAt = ifd0At + ifd0Size;
  const gpsSize = 2 + 12 + 4;
  const makeAt = gpsAt + gpsSize;
  const gpsTextAt = makeAt + make.length;
  const tiff = Buffer.alloc(gpsTextAt + gpsText.length);
  tiff.write("MM", 0, "latin1");
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(ifd0At, 4);
  let p = ifd0At;
  tiff.writeUInt16BE(3, p);
  p += 2;
  const entry = (tag: number, type: number, count: number, value: (at: number) => void) => {
    tiff.writeUInt16BE(tag, p);
    tiff.writeUInt16BE(type, p + 2);
    tiff.writeUInt32BE(count, p + 4);
    value(p + 8);
    p += 12;
  };
  entry(0x010f, 2, make.length, (at) => tiff.writeUInt32BE(makeAt, at));
  entry(0x0112, 3, 1, (at) => tiff.writeUInt16BE(orientation, at));
  entry(0x8825, 4, 1, (at) => tiff.writeUInt32BE(gpsAt, at));
  tiff.writeUInt32BE(0, p);
  p = gpsAt;
  tiff.writeUInt16BE(1, p);
  p += 2;
  entry(0x001b, 2, gpsText.length, (at) => tiff.writeUInt32BE(gpsTextAt, at)); // GPSProcessingMethod
  tiff.writeUInt32BE(0, p);
  make.copy(tiff, makeAt);
  gpsText.copy(tiff, gpsTextAt);
  return segment(0xe1, Buffer.concat([Buffer.from("Exif\0\0", "latin1"), tiff]));
}

/**
 * A JPEG photo of `width`×`height` stored pixels, with EXIF (orientation and
 * GPS), XMP, a comment and an ICC profile, the way a phone camera app saves one.
 */
export function photo(width: number, height: number, options: { orientation?: number; quality?: number } = {}): Buffer {
  const plain = jpegJs.encode({ data: quadrants(width, height), width, height }, options.quality ?? 85).data;
  // jpeg-js writes SOI, APP0 (JFIF), then the rest: metadata goes after APP0, as cameras put it.
  const app0End = 4 + plain.readUInt16BE(4);
  const xmp = segment(0xe1, Buffer.from(`http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><exif:GPSLatitude>${SECRET}</exif:GPSLatitude></x:xmpmeta>`, "latin1"));
  const icc = segment(0xe2, Buffer.concat([Buffer.from("ICC_PROFILE\0", "latin1"), Buffer.from([1, 1]), Buffer.alloc(32, 7)]));
  const comment = segment(0xfe, Buffer.from(`taken at ${SECRET}`, "latin1"));
  return Buffer.concat([plain.subarray(0, app0End), exif(options.orientation ?? 1), xmp, icc, comment, plain.subarray(app0End)]);
}

/** The markers of a JPEG's header segments, up to the start of scan (e.g. 0xe1 for APP1), with their payloads. */
export function jpegSegments(data: Buffer): { marker: number; payload: Buffer }[] {
  const out: { marker: number; payload: Buffer }[] = [];
  let pos = 2;
  while (pos + 4 <= data.length && data[pos] === 0xff) {
    const marker = data[pos + 1]!;
    if (marker === 0xda || marker === 0xd9) break;
    const length = data.readUInt16BE(pos + 2);
    out.push({ marker, payload: data.subarray(pos + 4, pos + 2 + length) });
    pos += 2 + length;
  }
  return out;
}

/** PNG chunk types, in order. */
export function pngChunkTypes(data: Buffer): string[] {
  const types: string[] = [];
  for (let pos = 8; pos + 8 <= data.length; pos += 12 + data.readUInt32BE(pos)) types.push(data.toString("latin1", pos + 4, pos + 8));
  return types;
}

/** A real PNG (quadrants, optionally half transparent) with text, EXIF and time chunks before its pixels. */
export function pngPhoto(width: number, height: number, alpha = 255): Buffer {
  const png = new PNG({ width, height });
  png.data = quadrants(width, height, alpha);
  const plain = PNG.sync.write(png);
  const ihdrEnd = 8 + 12 + 13;
  const meta = Buffer.concat([
    pngChunk("tEXt", Buffer.from(`Comment\0${SECRET}`, "latin1")),
    pngChunk("iTXt", Buffer.from(`XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta>${SECRET}</x:xmpmeta>`, "latin1")),
    pngChunk("eXIf", Buffer.from(`MM\0*${SECRET}`, "latin1")),
    pngChunk("tIME", Buffer.from([0x07, 0xe8, 1, 2, 3, 4, 5])),
  ]);
  return Buffer.concat([plain.subarray(0, ihdrEnd), meta, plain.subarray(ihdrEnd)]);
}

/** A PNG whose header declares `width`×`height`, interlaced, whose image data inflates to `inflated` bytes of zeros. */
export function interlacedPngBomb(width: number, height: number, inflated: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 1], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk("IHDR", ihdr), pngChunk("IDAT", deflateSync(Buffer.alloc(inflated), { level: 9 })), pngChunk("IEND", Buffer.alloc(0))]);
}

/** A two-colour GIF (left half red, right half green) with a comment extension that names SECRET. */
export function gifPhoto(width: number, height: number): Buffer {
  const buf = Buffer.alloc(width * height * 2 + 4096);
  const writer = new GifWriter(buf, width, height, { palette: [0xff0000, 0x00ff00] });
  const pixels = Array.from({ length: width * height }, (_, i) => (i % width < width / 2 ? 0 : 1));
  writer.addFrame(0, 0, width, height, pixels);
  const gif = buf.subarray(0, writer.end());
  // Comment extension right after the header, logical screen and colour table (13 + 6 bytes).
  const text = Buffer.from(SECRET, "latin1");
  const comment = Buffer.concat([Buffer.from([0x21, 0xfe, text.length]), text, Buffer.from([0])]);
  return Buffer.concat([gif.subarray(0, 19), comment, gif.subarray(19)]);
}

/** A WebP container (VP8X with EXIF and XMP flags, a stand-in VP8L chunk, EXIF and XMP chunks). */
export function webpWithExif(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, "latin1");
    head.writeUInt32LE(data.length, 4);
    return Buffer.concat([head, data, data.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
  };
  const vp8x = Buffer.alloc(10);
  vp8x[0] = 0x08 | 0x04;
  vp8x.writeUIntLE(width - 1, 4, 3);
  vp8x.writeUIntLE(height - 1, 7, 3);
  const body = Buffer.concat([
    Buffer.from("WEBP", "latin1"),
    chunk("VP8X", vp8x),
    chunk("VP8L", Buffer.from([0x2f, 0, 0, 0, 0])),
    chunk("EXIF", Buffer.from(`MM\0*${SECRET}`, "latin1")),
    chunk("XMP ", Buffer.from(`<x:xmpmeta>${SECRET}</x:xmpmeta>`, "latin1")),
  ]);
  const size = Buffer.alloc(4);
  size.writeUInt32LE(body.length);
  return Buffer.concat([Buffer.from("RIFF", "latin1"), size, body]);
}

/** The colour of the pixel at (x, y) of a decoded JPEG preview, as [r, g, b]. */
export function pixelAt(jpeg: Buffer, x: number, y: number): number[] {
  const image = jpegJs.decode(jpeg, { useTArray: true });
  const i = (y * image.width + x) * 4;
  return [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!];
}
