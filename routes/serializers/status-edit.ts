import type { Core } from "../../src/core.ts";
import type { EditSnapshot, StatusView } from "../../src/statuses/status.repository.ts";
import { serializeAccount } from "./account.ts";
import { serializeMedia } from "./media.ts";
import { statusMedia } from "./status.ts";

/**
 * Mastodon's StatusEdit entities, oldest first, the current version last.
 * Earlier versions name their local media by id; remote statuses keep no
 * earlier media, so theirs show the current ones only on the current version.
 */
export async function serializeStatusEdits(core: Core, status: StatusView, versions: EditSnapshot[]) {
  const media = new Map((await core.media.findByIds([...new Set(versions.flatMap((v) => v.mediaIds))])).map((m) => [m.id, m]));
  const account = serializeAccount(core, status.account);
  return versions.map((v, i) => {
    const current = i === versions.length - 1;
    return {
      content: v.content,
      spoiler_text: v.spoilerText,
      sensitive: v.sensitive,
      created_at: v.createdAt.toISOString(),
      account,
      poll: v.pollOptions.length ? { options: v.pollOptions.map((title) => ({ title })) } : null,
      media_attachments: current ? statusMedia(core, status) : v.mediaIds.flatMap((id) => (media.has(id) ? [serializeMedia(core, media.get(id)!)] : [])),
      emojis: [],
    };
  });
}
