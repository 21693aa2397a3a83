import type { ImageKind } from "./image-probe.ts";

// Uploaded photos carry EXIF and XMP: camera serial numbers, the time and,
// above all, the GPS position of where they were taken. We serve the original
// without them. The pixels are left as they are (no re-encoding, so no loss
// and no cost): only the metadata segments go. A JPEG keeps its orientation
// in a minimal EXIF block of its own, so browsers still turn it upright.

export class MetadataError extends Error {}

/** The file without its metadata; a file whose structure is broken is refused (MetadataError). */
export function stripMetadata(data: Buffer, kind: ImageKind["mimeType"], orientation = 1): Buffer {
  switch (kind) {
    case "image/jpeg":
      return stripJpeg(data, orientation);
    case "image/png":
      return stripPng(data);
    case "image/webp":
      return stripWebp(data);
    case "image/gif":
      return stripGif(data);
  }
}

const isIcc = (data: Buffer, at: number) => data.toString("latin1", at, at + 12) === "ICC_PROFILE\0";

/**
 * Kept: APP0 (JFIF), APP2 when it is an ICC colour profile, APP14 (Adobe, it
 * says how colours are encoded) and every segment that is not metadata.
 * Dropped: APP1 (EXIF, XMP), other APPn (IPTC, maker notes, MPF) and comments.
 */
function stripJpeg(data: Buffer, orientation: number): Buffer {
  if (data[0] !== 0xff || data[1] !== 0xd8) throw new MetadataError("not a JPEG");
  const out: Buffer[] = [data.subarray(0, 2)];
  let exifAdded = orientation === 1;
  const addExif = () => {
    if (!exifAdded) out.push(orientationExif(orientation));
    exifAdded = true;
  };
  let pos = 2;
  while (pos < data.length) {
    if (data[pos] !== 0xff) throw new MetadataError("JPEG segment expected");
    let marker = data[pos + 1]!;
    // Any number of 0xFF may pad a marker.
    while (marker === 0xff && pos + 2 < data.length) marker = data[++pos + 1]!;
    if (marker === 0xd9 || marker === 0xda) {
      // End of image, or start of scan: the compressed pixels (and whatever follows) are copied as they are.
      addExif();
      out.push(data.subarray(pos));
      return Buffer.concat(out);
    }
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      out.push(data.subarray(pos, pos + 2));
      pos += 2;
      continue;
    }
    if (pos + 4 > data.length) throw new MetadataError("truncated JPEG segment");
    const end = pos + 2 + data.readUInt16BE(pos + 2);
    if (end > data.length || end < pos + 4) throw new MetadataError("truncated JPEG segment");
    const isApp = marker >= 0xe0 && marker <= 0xef;
    const keep = !isApp ? marker !== 0xfe : marker === 0xe0 || marker === 0xee || (marker === 0xe2 && isIcc(data, pos + 4));
    if (marker !== 0xe0) addExif();
    if (keep) out.push(data.subarray(pos, end));
    pos = end;
  }
  throw new MetadataError("JPEG without image data");
}

/** An APP1 segment with one EXIF entry: Orientation (tag 0x0112, one SHORT), big-endian. */
function orientationExif(orientation: number): Buffer {
  const tiff = Buffer.alloc(26);
  tiff.write("MM", 0, "latin1");
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4);
  tiff.writeUInt16BE(1, 8);
  tiff.writeUInt16BE(0x0112, 10);
  tiff.writeUInt16BE(3, 12);
  tiff.writeUInt32BE(1, 14);
  tiff.writeUInt16BE(orientation, 18);
  const head = Buffer.from([0xff, 0xe1, 0, 0]);
  head.writeUInt16BE(2 + 6 + tiff.length, 2);
  return Buffer.concat([head, Buffer.from("Exif\0\0", "latin1"), tiff]);
}

const PNG_METADATA = new Set(["tEXt", "zTXt", "iTXt", "eXIf", "tIME"]);

function stripPng(data: Buffer): Buffer {
  const out: Buffer[] = [data.subarray(0, 8)];
  let pos = 8;
  while (pos < data.length) {
    if (pos + 12 > data.length) throw new MetadataError("truncated PNG chunk");
    const end = pos + 12 + data.readUInt32BE(pos);
    if (end > data.length) throw new MetadataError("truncated PNG chunk");
    const type = data.toString("latin1", pos + 4, pos + 8);
    if (!PNG_METADATA.has(type)) out.push(data.subarray(pos, end));
    pos = end;
    if (type === "IEND") break;
  }
  return Buffer.concat(out);
}

const VP8X_EXIF = 0x08;
const VP8X_XMP = 0x04;

function stripWebp(data: Buffer): Buffer {
  const out: Buffer[] = [Buffer.from(data.subarray(0, 12))];
  let pos = 12;
  while (pos + 8 <= data.length) {
    const size = data.readUInt32LE(pos + 4);
    const end = pos + 8 + size + (size % 2);
    if (pos + 8 + size > data.length) throw new MetadataError("truncated WebP chunk");
    const type = data.toString("latin1", pos, pos + 4);
    if (type === "VP8X") {
      const chunk = Buffer.from(data.subarray(pos, Math.min(end, data.length)));
      chunk[8] = chunk[8]! & ~(VP8X_EXIF | VP8X_XMP);
      out.push(chunk);
    } else if (type !== "EXIF" && type !== "XMP ") out.push(data.subarray(pos, Math.min(end, data.length)));
    pos = end;
  }
  const result = Buffer.concat(out);
  result.writeUInt32LE(result.length - 8, 4);
  return result;
}

/** Where a run of GIF sub-blocks ends (after its zero-length terminator), or -1 if the file ends first. */
function subBlocksEnd(data: Buffer, pos: number): number {
  while (pos < data.length) {
    const size = data[pos]!;
    pos += 1 + size;
    if (size === 0) return pos;
  }
  return -1;
}

/**
 * Drops comment extensions and XMP application extensions. GIFs cut short
 * are common and browsers show them: from a block that cannot be read on,
 * the rest is kept as it is.
 */
function stripGif(data: Buffer): Buffer {
  if (data.length < 13) throw new MetadataError("truncated GIF");
  const packed = data[10]!;
  let pos = 13 + (packed & 0x80 ? 3 * 2 ** ((packed & 7) + 1) : 0);
  const out: Buffer[] = [data.subarray(0, Math.min(pos, data.length))];
  while (pos < data.length) {
    const start = pos;
    const introducer = data[pos]!;
    let end = -1;
    let keep = true;
    if (introducer === 0x21 && pos + 2 <= data.length) {
      const label = data[pos + 1]!;
      end = subBlocksEnd(data, pos + 2);
      keep = label !== 0xfe && !(label === 0xff && data.toString("latin1", pos + 3, pos + 14) === "XMP DataXMP");
    } else if (introducer === 0x2c && pos + 10 <= data.length) {
      const local = data[pos + 9]!;
      const lzw = pos + 10 + (local & 0x80 ? 3 * 2 ** ((local & 7) + 1) : 0);
      end = lzw < data.length ? subBlocksEnd(data, lzw + 1) : -1;
    }
    if (end < 0) {
      out.push(data.subarray(start));
      break;
    }
    if (keep) out.push(data.subarray(start, end));
    pos = end;
  }
  return Buffer.concat(out);
}
