import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isBlurhashValid } from "blurhash";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import * as jpegJs from "jpeg-js";
import pg from "pg";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readImageHeader } from "../src/media/image-probe.ts";
import { UNATTACHED_SWEEP_EVERY_MS } from "../src/media/media.service.ts";
import { gif, jpeg, multipart, png } from "./helpers/images.ts";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";
import { REDIS } from "./helpers/instance.ts";
import { gifPhoto, interlacedPngBomb, jpegSegments, photo, pixelAt, pngChunkTypes, pngPhoto, QUADRANTS, SECRET, webpWithExif } from "./helpers/photos.ts";
import { waitFor } from "./helpers/wait.ts";

// What happens to an uploaded image: metadata (EXIF, GPS, XMP, comments) is
// taken out of what we serve, a small upright preview and a blurhash are
// made (by a job for large v2 uploads, which answer 202 meanwhile), bombs are
// refused by their header, and files go when their media, status or profile
// image does.

type Instance = { kith: InProcess; dir: string; db: pg.Client; token: string; readOnly: string; other: string };
let main: Instance;
/** No worker runs here: a deferred upload stays queued until the test runs its job. */
let webOnly: Instance;

async function start(label: string, env: Record<string, string> = {}): Promise<Instance> {
  const dir = await mkdtemp(join(tmpdir(), "kith-media-"));
  const kith = await startInProcess(label, { KITH_MEDIA_DIR: dir, ...env });
  const me = await kith.core.accounts.createLocal("pia");
  const db = new pg.Client({ connectionString: kith.core.config.databaseUrl });
  await db.connect();
  return {
    kith,
    dir,
    db,
    token: await kith.core.tokens.issue(me.id),
    readOnly: await kith.core.tokens.issue(me.id, ["read"]),
    other: await kith.core.tokens.issue((await kith.core.accounts.createLocal("quinn")).id),
  };
}

async function stop(i: Instance | undefined) {
  await i?.db.end();
  await i?.kith.destroy();
  if (i) await rm(i.dir, { recursive: true, force: true });
}

beforeAll(async () => {
  [main, webOnly] = await Promise.all([start("mediaproc"), start("mediaproc_web", { ROLE: "web" })]);
}, 120_000);

afterAll(async () => {
  await stop(main);
  await stop(webOnly);
});

const upload = async (data: Buffer, options: { url?: string; token?: string | null; fields?: Record<string, string>; on?: Instance } = {}) => {
  const on = options.on ?? main;
  const t = options.token === undefined ? on.token : options.token;
  const { body, contentType } = multipart(options.fields ?? {}, { data, type: "application/octet-stream" });
  const res = await on.kith.app!.inject({ method: "POST", url: options.url ?? "/api/v2/media", headers: { "content-type": contentType, ...(t ? { authorization: `Bearer ${t}` } : {}) }, payload: body });
  return { status: res.statusCode, body: JSON.parse(res.body) };
};
const call = async (method: string, url: string, body?: unknown, t: string | null = main.token, on: Instance = main) => {
  const res = await on.kith.app!.inject({ method: method as "GET", url, headers: { ...(t ? { authorization: `Bearer ${t}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}) }, payload: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : null };
};
const served = async (url: string, on: Instance = main) => {
  const res = await on.kith.app!.inject({ method: "GET", url: new URL(url).pathname });
  expect(res.statusCode).toBe(200);
  return { data: res.rawPayload, type: res.headers["content-type"] };
};
const keyOf = (url: string) => url.slice(url.lastIndexOf("/") + 1);
const onDisk = (on: Instance, url: string) => existsSync(join(on.dir, keyOf(url)));
const stored = async (on: Instance = main) => ({
  rows: Number((await on.db.query('SELECT count(*) FROM "MediaAttachment"')).rows[0].count),
  files: (await readdir(on.dir).catch(() => [])).sort(),
});
const rowOf = async (id: string, on: Instance = main) => (await on.db.query('SELECT * FROM "MediaAttachment" WHERE id = $1', [id])).rows[0];
const near = (actual: number[], expected: readonly number[]) => actual.every((v, i) => Math.abs(v - expected[i]!) <= 24);

describe("POST /api/v2/media: preview, blurhash and no metadata", () => {
  it("a phone photo: an upright preview of at most 230,400 pixels, a blurhash, and nothing of its EXIF, GPS, XMP or comment served", async () => {
    // Stored 800×600 and turned a quarter clockwise by EXIF orientation 6: shown 600×800.
    const data = photo(800, 600, { orientation: 6 });
    expect(data.includes(SECRET)).toBe(true);
    const res = await upload(data, { fields: { description: "the tower" } });
    expect(res.status).toBe(200);
    const media = res.body;
    expect(media).toMatchObject({
      type: "image",
      description: "the tower",
      meta: { original: { width: 600, height: 800, size: "600x800", aspect: 0.75 }, small: { width: 415, height: 554, size: "415x554", aspect: 415 / 554 } },
    });
    expect(isBlurhashValid(media.blurhash).result).toBe(true);
    expect(media.preview_url).not.toBe(media.url);
    expect(media.url).toMatch(/\/system\/media\/[a-f0-9]{32}\.jpg$/);
    expect(media.preview_url).toMatch(/\/system\/media\/[a-f0-9]{32}\.jpg$/);

    const original = await served(media.url);
    expect(original.type).toBe("image/jpeg");
    expect(original.data.includes(SECRET)).toBe(false);
    const segments = jpegSegments(original.data);
    // One APP1 is left: the orientation alone, so browsers still turn the photo upright.
    expect(segments.filter((s) => s.marker === 0xe1)).toHaveLength(1);
    expect(segments.find((s) => s.marker === 0xe1)!.payload.length).toBe(32);
    expect(readImageHeader(original.data)).toMatchObject({ orientation: 6, width: 600, height: 800 });
    expect(segments.some((s) => s.marker === 0xe2 && s.payload.toString("latin1", 0, 11) === "ICC_PROFILE")).toBe(true);
    expect(segments.some((s) => s.marker === 0xfe)).toBe(false);
    // The pixels are untouched: the compressed data is the same bytes.
    const scan = (b: Buffer) => b.subarray(b.indexOf(Buffer.from([0xff, 0xda])));
    expect(scan(original.data).equals(scan(data))).toBe(true);
    expect((await rowOf(media.id)).fileSize).toBe(original.data.length);

    const preview = await served(media.preview_url);
    expect(preview.type).toBe("image/jpeg");
    expect(jpegSegments(preview.data).some((s) => s.marker >= 0xe1 && s.marker <= 0xef)).toBe(false);
    expect(preview.data.includes(SECRET)).toBe(false);
    const decoded = jpegJs.decode(preview.data, { useTArray: true });
    expect([decoded.width, decoded.height]).toEqual([415, 554]);
    // Turned upright: what was stored bottom-left is now top-left, and so on round.
    expect(near(pixelAt(preview.data, 10, 10), QUADRANTS.bottomLeft)).toBe(true);
    expect(near(pixelAt(preview.data, 404, 10), QUADRANTS.topLeft)).toBe(true);
    expect(near(pixelAt(preview.data, 10, 543), QUADRANTS.bottomRight)).toBe(true);
    expect(near(pixelAt(preview.data, 404, 543), QUADRANTS.topRight)).toBe(true);
  });

  it("a small picture is its own size in the preview; statuses carry the same preview and blurhash", async () => {
    const media = (await upload(photo(64, 48))).body;
    expect(media.meta.small).toEqual({ width: 64, height: 48, size: "64x48", aspect: 64 / 48 });
    const status = await call("POST", "/api/v1/statuses", { status: "with a photo", media_ids: [media.id] });
    expect(status.status).toBe(200);
    expect(status.body.media_attachments[0]).toMatchObject({ id: media.id, preview_url: media.preview_url, blurhash: media.blurhash, meta: { small: media.meta.small } });
  });

  it("PNG: text, XMP, EXIF and time chunks are dropped, the rest kept byte for byte; a transparent one keeps a PNG preview", async () => {
    const data = pngPhoto(40, 30);
    expect(pngChunkTypes(data)).toEqual(["IHDR", "tEXt", "iTXt", "eXIf", "tIME", "IDAT", "IEND"]);
    const media = (await upload(data)).body;
    const original = await served(media.url);
    expect(pngChunkTypes(original.data)).toEqual(["IHDR", "IDAT", "IEND"]);
    expect(original.data.includes(SECRET)).toBe(false);
    expect(PNG.sync.read(original.data).data.equals(PNG.sync.read(data).data)).toBe(true);
    expect((await served(media.preview_url)).type).toBe("image/jpeg");

    const clear = (await upload(pngPhoto(40, 30, 128))).body;
    const preview = await served(clear.preview_url);
    expect(preview.type).toBe("image/png");
    expect(PNG.sync.read(preview.data).data[3]).toBe(128);
    expect(isBlurhashValid(clear.blurhash).result).toBe(true);
  });

  it("GIF: comments are dropped; the preview is its first frame", async () => {
    const data = gifPhoto(20, 10);
    const media = (await upload(data)).body;
    expect(media.meta).toMatchObject({ original: { width: 20, height: 10 }, small: { width: 20, height: 10 } });
    const original = await served(media.url);
    expect(original.type).toBe("image/gif");
    expect(original.data.includes(SECRET)).toBe(false);
    expect(original.data.length).toBe(data.length - (SECRET.length + 4));
    const preview = (await served(media.preview_url)).data;
    expect(near(pixelAt(preview, 2, 5), [255, 0, 0])).toBe(true);
    expect(near(pixelAt(preview, 17, 5), [0, 255, 0])).toBe(true);
  });

  it("WebP: EXIF and XMP chunks are dropped and their flags cleared; without a pure-JS decoder there is no preview or blurhash", async () => {
    const media = (await upload(webpWithExif(30, 20))).body;
    expect(media).toMatchObject({ meta: { original: { width: 30, height: 20 } }, blurhash: null });
    expect(media.meta.small).toBeUndefined();
    expect(media.preview_url).toBe(media.url);
    const original = (await served(media.url)).data;
    expect(original.includes(SECRET)).toBe(false);
    expect(original.toString("latin1", 12, 16)).toBe("VP8X");
    expect(original[20]! & 0x0c).toBe(0);
    expect(original.readUInt32LE(4)).toBe(original.length - 8);
  });
});

describe("large uploads", () => {
  // 2400×1800 = 4.32 megapixels: over the line below which v2 makes the preview before answering.
  let big: Buffer;
  beforeAll(() => {
    big = photo(2400, 1800, { quality: 40 });
  });

  it("v2 answers 202 with null urls; the job makes the preview and blurhash, and then the media reads 200", async () => {
    const res = await upload(big);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ url: null, preview_url: null, blurhash: null, meta: { original: { width: 2400, height: 1800 } } });
    const done = await waitFor(async () => {
      const r = await call("GET", `/api/v1/media/${res.body.id}`);
      return r.status === 200 && r.body;
    }, "the media job", 30_000);
    expect(done.meta.small).toEqual({ width: 554, height: 415, size: "554x415", aspect: 554 / 415 });
    expect(isBlurhashValid(done.blurhash).result).toBe(true);
    expect((await served(done.url)).data.includes(SECRET)).toBe(false);
    expect((await served(done.preview_url)).type).toBe("image/jpeg");
    expect((await call("POST", "/api/v1/statuses", { status: "big one", media_ids: [done.id] })).status).toBe(200);
  });

  it("v1 makes the preview before it answers 200", async () => {
    const res = await upload(big, { url: "/api/v1/media" });
    expect(res.status).toBe(200);
    expect(res.body.url).toMatch(/\.jpg$/);
    expect(res.body.meta.small).toMatchObject({ width: 554, height: 415 });
  });

  it("while queued: GET and PUT answer 206 with null urls, attaching is refused with 422; once the job ran, 200", async () => {
    const on = webOnly;
    const res = await upload(big, { on });
    expect(res.status).toBe(202);
    const id = res.body.id;
    const read = await call("GET", `/api/v1/media/${id}`, undefined, on.token, on);
    expect(read.status).toBe(206);
    expect(read.body).toMatchObject({ id, url: null, preview_url: null });
    const put = await call("PUT", `/api/v1/media/${id}`, { description: "later" }, on.token, on);
    expect(put.status).toBe(206);
    expect(put.body.description).toBe("later");
    const post = await call("POST", "/api/v1/statuses", { status: "too soon", media_ids: [id] }, on.token, on);
    expect(post.status).toBe(422);
    expect(post.body.error).toBe("Cannot attach files that have not finished processing. Try again in a moment!");
    expect((await on.db.query('SELECT count(*) FROM "Status"')).rows[0].count).toBe("0");
    expect((await rowOf(id, on)).statusId).toBeNull();

    // What the worker runs for the job, twice: the second run finds nothing to do.
    await on.kith.core.media.processQueued(BigInt(id));
    const before = await stored(on);
    await on.kith.core.media.processQueued(BigInt(id));
    expect(await stored(on)).toEqual(before);
    const ready = await call("GET", `/api/v1/media/${id}`, undefined, on.token, on);
    expect(ready.status).toBe(200);
    expect(ready.body.url).toMatch(/\.jpg$/);
    expect(ready.body.meta.small).toMatchObject({ width: 554, height: 415 });
    expect((await call("POST", "/api/v1/statuses", { status: "now", media_ids: [id] }, on.token, on)).status).toBe(200);
  });
});

describe("bad uploads", () => {
  it.each([
    ["a PNG", png(10_000, 10_000), "10000x10000"],
    ["a JPEG", jpeg(8000, 6000), "8000x6000"],
    ["a GIF", gif(65_535, 65_535), "65535x65535"],
  ])("refuses %s that declares more than 33,177,600 pixels (a decompression bomb) with 422; nothing stored", async (_kind, data, size) => {
    const before = await stored();
    const res = await upload(data);
    expect(res.status).toBe(422);
    expect(res.body.error).toBe(`Validation failed: The image is ${size} pixels; images may have at most 33177600 pixels (7680x4320)`);
    expect(await stored()).toEqual(before);
  });

  it("an interlaced PNG whose data inflates past its size and a GIF frame larger than its screen are never decoded: served as uploaded, without preview", async () => {
    for (const data of [interlacedPngBomb(64, 64, 8_000_000), gifWithHugeFrame()]) {
      const res = await upload(data);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ blurhash: null });
      expect(res.body.preview_url).toBe(res.body.url);
    }
  });

  it("a JPEG cut short inside its header, and one whose segments do not add up: 422, nothing stored", async () => {
    const before = await stored();
    const whole = photo(16, 16);
    for (const data of [whole.subarray(0, 30), Buffer.concat([whole.subarray(0, 20), Buffer.from([0x00, 0x11]), whole.subarray(20)])]) {
      const res = await upload(data);
      expect(res.status).toBe(422);
      expect(res.body.error).toMatch(/could not be read as an image|not supported/);
    }
    expect(await stored()).toEqual(before);
  });

  it("401 without a token and 403 without write:media for a large upload; nothing stored or queued", async () => {
    const before = await stored(webOnly);
    const big = photo(2400, 1800, { quality: 30 });
    expect((await upload(big, { on: webOnly, token: null })).status).toBe(401);
    expect((await upload(big, { on: webOnly, token: webOnly.readOnly })).status).toBe(403);
    expect(await stored(webOnly)).toEqual(before);
  });
});

/** A 2×2 GIF whose only frame declares 65535×65535 pixels. */
function gifWithHugeFrame(): Buffer {
  const data = Buffer.from(gif(2, 2));
  // The image descriptor follows the header, screen and 2-colour table: x, y, then width and height.
  const at = data.indexOf(0x2c, 13 + 6);
  data.writeUInt16LE(65_535, at + 5);
  data.writeUInt16LE(65_535, at + 7);
  return data;
}

describe("cleanup", () => {
  const backdate = (ids: string[], on: Instance = main) => on.db.query(`UPDATE "MediaAttachment" SET "createdAt" = now() - interval '25 hours' WHERE id = ANY($1::bigint[])`, [ids]);

  it("the sweep runs hourly and deletes media never attached for over a day, with their files; posted, scheduled and recent ones stay", async () => {
    const redis = new Redis(REDIS, { maxRetriesPerRequest: null });
    const queue = new Queue("kith-jobs", { connection: redis, prefix: main.kith.core.config.redisPrefix });
    try {
      expect(await queue.getJobScheduler("media.cleanup")).toMatchObject({ every: UNATTACHED_SWEEP_EVERY_MS });
    } finally {
      await queue.close();
      await redis.quit();
    }

    const old = (await upload(photo(32, 32))).body;
    const recent = (await upload(photo(32, 32))).body;
    const posted = (await upload(photo(32, 32))).body;
    const held = (await upload(photo(32, 32))).body;
    expect((await call("POST", "/api/v1/statuses", { status: "posted", media_ids: [posted.id] })).status).toBe(200);
    const later = new Date(Date.now() + 3_600_000).toISOString();
    expect((await call("POST", "/api/v1/statuses", { status: "later", media_ids: [held.id], scheduled_at: later })).status).toBe(200);
    await backdate([old.id, posted.id, held.id]);
    expect(onDisk(main, old.url) && onDisk(main, old.preview_url)).toBe(true);

    await main.kith.core.jobs.enqueue("media.cleanup", {});
    await waitFor(async () => !(await rowOf(old.id)), "the sweep to delete the old upload");
    expect(onDisk(main, old.url)).toBe(false);
    expect(onDisk(main, old.preview_url)).toBe(false);
    for (const kept of [recent, posted, held]) {
      expect(await rowOf(kept.id)).toBeTruthy();
      expect(onDisk(main, kept.url) && onDisk(main, kept.preview_url)).toBe(true);
    }
  });

  it("DELETE /api/v1/statuses/:id?delete_media=true deletes its media and their files at once; without it they stay, detached for a redraft", async () => {
    const a = (await upload(photo(32, 32))).body;
    const b = (await upload(photo(32, 32))).body;
    const first = (await call("POST", "/api/v1/statuses", { status: "one", media_ids: [a.id] })).body;
    const second = (await call("POST", "/api/v1/statuses", { status: "two", media_ids: [b.id] })).body;

    const gone = await call("DELETE", `/api/v1/statuses/${first.id}?delete_media=true`);
    expect(gone.status).toBe(200);
    expect(await rowOf(a.id)).toBeUndefined();
    expect(onDisk(main, a.url) || onDisk(main, a.preview_url)).toBe(false);

    expect((await call("DELETE", `/api/v1/statuses/${second.id}`)).status).toBe(200);
    expect((await rowOf(b.id)).statusId).toBeNull();
    expect(onDisk(main, b.url) && onDisk(main, b.preview_url)).toBe(true);
    // The redraft: the same media on a new status.
    expect((await call("POST", "/api/v1/statuses", { status: "two again", media_ids: [b.id] })).status).toBe(200);
  });

  it("DELETE /api/v1/statuses/:id refuses a delete_media that is not a boolean with 422, and deletes nothing", async () => {
    const m = (await upload(photo(32, 32))).body;
    const status = (await call("POST", "/api/v1/statuses", { status: "stays", media_ids: [m.id] })).body;
    const res = await call("DELETE", `/api/v1/statuses/${status.id}?delete_media[]=maybe`);
    expect(res.status).toBe(422);
    expect((await call("GET", `/api/v1/statuses/${status.id}`)).status).toBe(200);
    expect(onDisk(main, m.url)).toBe(true);
  });

  it("DELETE /api/v1/media/:id deletes unattached media with their files; attached ones 422, others' and unknown ids 404, without write:media 403", async () => {
    const loose = (await upload(photo(32, 32))).body;
    const attached = (await upload(photo(32, 32))).body;
    expect((await call("POST", "/api/v1/statuses", { status: "keeps it", media_ids: [attached.id] })).status).toBe(200);
    const before = await stored();

    expect((await call("DELETE", `/api/v1/media/${loose.id}`, undefined, null)).status).toBe(401);
    const scope = await call("DELETE", `/api/v1/media/${loose.id}`, undefined, main.readOnly);
    expect(scope.status).toBe(403);
    expect((await call("DELETE", `/api/v1/media/${loose.id}`, undefined, main.other)).status).toBe(404);
    expect((await call("DELETE", "/api/v1/media/nope")).status).toBe(404);
    expect((await call("DELETE", "/api/v1/media/99999999999")).status).toBe(404);
    const inUse = await call("DELETE", `/api/v1/media/${attached.id}`);
    expect(inUse.status).toBe(422);
    expect(inUse.body.error).toBe("Media attachment is currently used by a status");
    expect(await stored()).toEqual(before);

    const res = await call("DELETE", `/api/v1/media/${loose.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    expect(await rowOf(loose.id)).toBeUndefined();
    expect(onDisk(main, loose.url) || onDisk(main, loose.preview_url)).toBe(false);
    expect((await call("GET", `/api/v1/media/${loose.id}`)).status).toBe(404);
  });

  it("update_credentials: a replaced avatar's file and a removed header's file are deleted; a refused edit deletes nothing", async () => {
    const patch = async (fields: Record<string, string>, file?: { name: string; data: Buffer }) => {
      const { body, contentType } = multipart(fields, file && { ...file, type: "image/png" });
      const res = await main.kith.app!.inject({ method: "PATCH", url: "/api/v1/accounts/update_credentials", headers: { "content-type": contentType, authorization: `Bearer ${main.token}` }, payload: body });
      return { status: res.statusCode, body: JSON.parse(res.body) };
    };
    const first = await patch({}, { name: "avatar", data: pngPhoto(20, 20) });
    expect(first.status).toBe(200);
    const withHeader = await patch({}, { name: "header", data: pngPhoto(60, 20) });
    const oldAvatar = first.body.avatar as string;
    const oldHeader = withHeader.body.header as string;
    expect(onDisk(main, oldAvatar) && onDisk(main, oldHeader)).toBe(true);
    // The avatar is stored without its metadata too.
    expect((await served(oldAvatar)).data.includes(SECRET)).toBe(false);

    const refused = await patch({ "fields_attributes[0][name]": "x".repeat(300), "fields_attributes[0][value]": "v" }, { name: "avatar", data: pngPhoto(20, 20) });
    expect(refused.status).toBe(422);
    expect(onDisk(main, oldAvatar)).toBe(true);

    const second = await patch({}, { name: "avatar", data: pngPhoto(24, 24) });
    expect(second.status).toBe(200);
    expect(second.body.avatar).not.toBe(oldAvatar);
    expect(onDisk(main, second.body.avatar)).toBe(true);
    expect(onDisk(main, oldAvatar)).toBe(false);

    const noHeader = await patch({ header: "" });
    expect(noHeader.status).toBe(200);
    expect(onDisk(main, oldHeader)).toBe(false);
  });
});
