import type { Core } from "../../src/core.ts";
import type { MediaAttachment } from "../../src/media/media.repository.ts";

type Size = { width: number; height: number };
const sizeOf = ({ width, height }: Size) => ({ width, height, size: `${width}x${height}`, aspect: width / height });

/** Mastodon's `meta`: the original size, the preview's (`small`) and, if set, the focal point. */
export function mediaMeta(width: number | null, height: number | null, focus: { x: number; y: number } | null | undefined, small?: Size | null) {
  return {
    ...(width && height ? { original: sizeOf({ width, height }) } : {}),
    ...(small ? { small: sizeOf(small) } : {}),
    ...(focus ? { focus } : {}),
  };
}

/**
 * Mastodon's MediaAttachment entity for local media. While a large upload
 * is still being processed its url and preview_url are null, as on Mastodon;
 * an image that could not be decoded (or a WebP) is its own preview.
 */
export function serializeMedia(core: Core, m: MediaAttachment) {
  const queued = m.processing !== "complete";
  const url = queued ? null : m.storageKey ? core.media.url(m.storageKey) : m.remoteUrl;
  const small = m.previewKey && m.previewWidth && m.previewHeight ? { width: m.previewWidth, height: m.previewHeight } : null;
  return {
    id: String(m.id),
    type: m.type,
    url,
    preview_url: queued ? null : m.previewKey ? core.media.url(m.previewKey) : url,
    remote_url: m.storageKey ? null : m.remoteUrl,
    preview_remote_url: null,
    text_url: null,
    meta: mediaMeta(m.width, m.height, m.focusX !== null && m.focusY !== null ? { x: m.focusX, y: m.focusY } : null, small),
    description: m.description,
    blurhash: m.blurhash,
  };
}
