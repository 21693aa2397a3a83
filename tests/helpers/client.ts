import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { InProcess } from "./in-process.ts";
import { multipart, png } from "./images.ts";

/** A fresh media folder under the system's temp dir, so test uploads never land in the work tree. */
export const mediaEnv = () => ({ KITH_MEDIA_DIR: mkdtempSync(join(tmpdir(), "kith-media-")) });

// A Mastodon client over app.inject: JSON in, parsed JSON out.

export type Reply<T = any> = { status: number; body: T; headers: Record<string, unknown> };

export function client(kith: InProcess) {
  const call = async <T = any>(token: string | null, method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> => {
    const res = await kith.app!.inject({
      method: method as "GET",
      url,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
      payload: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : null, headers: res.headers };
  };
  /** Uploads a small PNG and returns its MediaAttachment. */
  const upload = async (token: string, description = "alt text", size = 2) => {
    const { body, contentType } = multipart({ description }, { data: png(size, size), type: "image/png" });
    const res = await kith.app!.inject({ method: "POST", url: "/api/v2/media", headers: { authorization: `Bearer ${token}`, "content-type": contentType }, payload: body });
    if (res.statusCode !== 200) throw new Error(`upload failed: ${res.body}`);
    return JSON.parse(res.body);
  };
  return { call, upload };
}
