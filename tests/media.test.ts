import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gif, jpeg, multipart, png, webp } from "./helpers/images.ts";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";

// Media uploads through the client API: what is accepted, how it is
// described and served, and that refused uploads leave nothing behind.

let kith: InProcess;
let mediaDir: string;
let token: string;
let readOnly: string;
let otherToken: string;
let db: pg.Client;

const MAX = 4096;

const upload = (file: { data: Buffer; type: string; name?: string } | undefined, fields: Record<string, string> = {}, t: string | null = token, url = "/api/v2/media") => {
  const { body, contentType } = multipart(fields, file);
  return kith.app!.inject({ method: "POST", url, headers: { "content-type": contentType, ...(t ? { authorization: `Bearer ${t}` } : {}) }, payload: body });
};
const call = (method: string, url: string, body?: unknown, t: string | null = token) =>
  kith.app!.inject({ method: method as "GET", url, headers: { ...(t ? { authorization: `Bearer ${t}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}) }, payload: body === undefined ? undefined : JSON.stringify(body) });

const stored = async () => ({ rows: Number((await db.query('SELECT count(*) FROM "MediaAttachment"')).rows[0].count), files: (await readdir(mediaDir).catch(() => [])).length });

beforeAll(async () => {
  mediaDir = await mkdtemp(join(tmpdir(), "kith-media-"));
  kith = await startInProcess("media", { KITH_MEDIA_DIR: mediaDir, KITH_MEDIA_MAX_BYTES: String(MAX) });
  const me = await kith.core.accounts.createLocal("mia");
  token = await kith.core.tokens.issue(me.id);
  readOnly = await kith.core.tokens.issue(me.id, ["read"]);
  otherToken = await kith.core.tokens.issue((await kith.core.accounts.createLocal("oscar")).id);
  db = new pg.Client({ connectionString: kith.core.config.databaseUrl });
  await db.connect();
}, 60_000);

afterAll(async () => {
  await db?.end();
  await kith?.destroy();
  await rm(mediaDir, { recursive: true, force: true });
});

describe("POST /api/v2/media", () => {
  // The JPEG and WebP here are headers without pixels: they are served as they are, their own preview.
  it.each([
    ["PNG", png(3, 2), "image/png", 3, 2, true],
    ["JPEG", jpeg(640, 480), "image/jpeg", 640, 480, false],
    ["GIF", gif(7, 9), "image/gif", 7, 9, true],
    ["WebP", webp(100, 50), "image/webp", 100, 50, false],
  ])("accepts a %s and reads its size from the header", async (_name, data, type, width, height, decodable) => {
    const res = await upload({ data, type: "application/octet-stream" }, { description: "a small picture", focus: "0.5,-0.25" });
    expect(res.statusCode).toBe(200);
    const media = JSON.parse(res.body);
    expect(media).toMatchObject({
      id: expect.stringMatching(/^\d+$/),
      type: "image",
      remote_url: null,
      description: "a small picture",
      meta: { original: { width, height, size: `${width}x${height}`, aspect: width / height }, focus: { x: 0.5, y: -0.25 } },
    });
    expect(media.url).toMatch(new RegExp(`^${kith.core.config.publicUrl.origin}/system/media/[a-f0-9]{32}\\.\\w+$`));
    if (decodable) expect(media.meta.small).toEqual({ width, height, size: `${width}x${height}`, aspect: width / height });
    else expect(media.preview_url).toBe(media.url);
    const file = await kith.app!.inject({ method: "GET", url: new URL(media.url).pathname });
    expect(file.statusCode).toBe(200);
    expect(file.headers["content-type"]).toBe(type);
    expect(file.headers["cache-control"]).toContain("immutable");
    expect(file.rawPayload.equals(data)).toBe(true);
  });

  it("accepts the v1 path too", async () => {
    expect((await upload({ data: png(1, 1), type: "image/png" }, {}, token, "/api/v1/media")).statusCode).toBe(200);
  });

  it("judges the type by the bytes, not the declared type: 422 and nothing stored", async () => {
    const before = await stored();
    const res = await upload({ data: Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'/>"), type: "image/png" });
    expect(res.statusCode).toBe(422);
    expect(JSON.parse(res.body).error).toMatch(/not supported/);
    expect(await stored()).toEqual(before);
  });

  it("413 for a file over KITH_MEDIA_MAX_BYTES, and nothing stored", async () => {
    const before = await stored();
    const big = png(300, 300, true);
    expect(big.length).toBeGreaterThan(MAX);
    const res = await upload({ data: big, type: "image/png" });
    expect(res.statusCode).toBe(413);
    expect(JSON.parse(res.body).error).toBeTruthy();
    expect(await stored()).toEqual(before);
  });

  it("422 without a file, for a bad focus and for alt text over 1500 characters; nothing stored", async () => {
    const before = await stored();
    const noFile = await upload(undefined, { description: "nothing" });
    expect(noFile.statusCode).toBe(422);
    expect(JSON.parse(noFile.body).error).toMatch(/File can't be blank/);
    const badFocus = await upload({ data: png(1, 1), type: "image/png" }, { focus: "2,0" });
    expect(badFocus.statusCode).toBe(422);
    expect(JSON.parse(badFocus.body).error).toMatch(/focus/);
    expect((await upload({ data: png(1, 1), type: "image/png" }, { description: "x".repeat(1501) })).statusCode).toBe(422);
    expect((await call("POST", "/api/v2/media", { description: "json, no file" })).statusCode).toBe(422);
    expect(await stored()).toEqual(before);
  });

  it("401 without a token and 403 without write:media; nothing stored", async () => {
    const before = await stored();
    expect((await upload({ data: png(1, 1), type: "image/png" }, {}, null)).statusCode).toBe(401);
    const res = await upload({ data: png(1, 1), type: "image/png" }, {}, readOnly);
    expect(res.statusCode).toBe(403);
    expect(JSON.parse(res.body).error).toMatch(/scope/);
    expect(await stored()).toEqual(before);
  });
});

describe("GET and PUT /api/v1/media/:id", () => {
  let media: any;
  beforeAll(async () => {
    media = JSON.parse((await upload({ data: png(4, 4), type: "image/png" }, { description: "first" })).body);
  });

  it("the owner reads and changes alt text and focus", async () => {
    expect(JSON.parse((await call("GET", `/api/v1/media/${media.id}`)).body).description).toBe("first");
    const res = await call("PUT", `/api/v1/media/${media.id}`, { description: "second", focus: "-1,1" });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ description: "second", meta: { focus: { x: -1, y: 1 } } });
    const form = multipart({ description: "third" });
    const viaForm = await kith.app!.inject({ method: "PUT", url: `/api/v1/media/${media.id}`, headers: { authorization: `Bearer ${token}`, "content-type": form.contentType }, payload: form.body });
    expect(JSON.parse(viaForm.body).description).toBe("third");
  });

  it("404 for someone else's media and for bad ids; 422 for a bad focus; nothing changes", async () => {
    expect((await call("GET", `/api/v1/media/${media.id}`, undefined, otherToken)).statusCode).toBe(404);
    expect((await call("PUT", `/api/v1/media/${media.id}`, { description: "hijacked" }, otherToken)).statusCode).toBe(404);
    expect((await call("GET", "/api/v1/media/nope")).statusCode).toBe(404);
    expect((await call("PUT", "/api/v1/media/99999999", { description: "x" })).statusCode).toBe(404);
    const bad = await call("PUT", `/api/v1/media/${media.id}`, { focus: "left" });
    expect(bad.statusCode).toBe(422);
    expect(JSON.parse((await call("GET", `/api/v1/media/${media.id}`)).body).description).toBe("third");
  });

  it("403 without write:media", async () => {
    expect((await call("PUT", `/api/v1/media/${media.id}`, { description: "x" }, readOnly)).statusCode).toBe(403);
  });

  it("media can be attached once; attached media change only through an edit of their status", async () => {
    const status = await call("POST", "/api/v1/statuses", { status: "with a picture", media_ids: [media.id] });
    expect(status.statusCode).toBe(200);
    expect(JSON.parse(status.body).media_attachments.map((m: any) => m.id)).toEqual([media.id]);
    const again = await call("POST", "/api/v1/statuses", { status: "same picture again", media_ids: [media.id] });
    expect(again.statusCode).toBe(422);
    const put = await call("PUT", `/api/v1/media/${media.id}`, { description: "too late" });
    expect(put.statusCode).toBe(422);
    expect(JSON.parse((await call("GET", `/api/v1/media/${media.id}`)).body).description).toBe("third");
  });
});

describe("GET /system/media/:key", () => {
  it("404 for unknown or malformed keys, never a path outside the store", async () => {
    expect((await kith.app!.inject({ method: "GET", url: `/system/media/${"0".repeat(32)}.png` })).statusCode).toBe(404);
    expect((await kith.app!.inject({ method: "GET", url: "/system/media/..%2F..%2Fetc%2Fpasswd" })).statusCode).toBe(404);
  });
});
