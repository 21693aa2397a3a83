import type { Core } from "../../src/core.ts";
import type { MediaAttachment } from "../../src/media/media.repository.ts";

/** Mastodon's `meta`: the original size and, if set, the focal point. */
export function mediaMeta(width: number | null, height: number | null, focus: { x: number; y: number } | null | undefined) {
  return {
    ...(width && height ? { original: { width, height, size: `${width}x${height}`, aspect: width / height } } : {}),
    ...(focus ? { focus } : {}),
  };
}

/** Mastodon's MediaAttachment entity for local media (no thumbnails yet: the preview is the original). */
export function serializeMedia(core: Core, m: MediaAttachment) {
  const url = m.storageKey ? core.media.url(m.storageKey) : m.remoteUrl;
  return {
    id: String(m.id),
    type: m.type,
    url,
    preview_url: url,
    remote_url: m.storageKey ? null : m.remoteUrl,
    preview_remote_url: null,
    text_url: null,
    meta: mediaMeta(m.width, m.height, m.focusX !== null && m.focusY !== null ? { x: m.focusX, y: m.focusY } : null),
    description: m.description,
    blurhash: m.blurhash,
  };
}
