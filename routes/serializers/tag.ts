import type { Core } from "../../src/core.ts";

/** Mastodon's Tag entity. Kith keeps no usage history yet, so `history` is empty; `following` is the viewer's. */
export function serializeTag(core: Core, t: { id: bigint | null; name: string; following?: boolean }) {
  return {
    id: t.id === null ? "" : String(t.id),
    name: t.name,
    url: `${core.urls.origin}/tags/${encodeURIComponent(t.name)}`,
    history: [],
    following: t.following ?? false,
    featuring: false,
  };
}
