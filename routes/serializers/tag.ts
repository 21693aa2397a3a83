import type { Core } from "../../src/core.ts";

/** Mastodon's Tag entity. Kith keeps no usage history yet, so `history` is empty. */
export function serializeTag(core: Core, t: { id: bigint | null; name: string }) {
  return {
    id: t.id === null ? "" : String(t.id),
    name: t.name,
    url: `${core.urls.origin}/tags/${encodeURIComponent(t.name)}`,
    history: [],
    following: false,
    featuring: false,
  };
}
