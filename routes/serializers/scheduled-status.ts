import type { Core } from "../../src/core.ts";
import type { ScheduledStatus } from "../../src/statuses/scheduled-status.repository.ts";
import type { ScheduledParams } from "../../src/statuses/scheduled-status.service.ts";
import { serializeMedia } from "./media.ts";

/** Mastodon's ScheduledStatus entities, their media loaded in one query. */
export async function serializeScheduledStatuses(core: Core, rows: ScheduledStatus[]) {
  const media = new Map((await core.media.findByIds([...new Set(rows.flatMap((r) => r.mediaIds))])).map((m) => [m.id, m]));
  return rows.map((row) => {
    const p = row.params as ScheduledParams;
    const attached = row.mediaIds.flatMap((id) => (media.has(id) ? [media.get(id)!] : []));
    return {
      id: String(row.id),
      scheduled_at: row.scheduledAt.toISOString(),
      params: {
        text: p.text,
        poll: p.poll ? { options: p.poll.options, expires_in: String(p.poll.expiresIn), multiple: Boolean(p.poll.multiple), hide_totals: Boolean(p.poll.hideTotals) } : null,
        media_ids: row.mediaIds.length ? row.mediaIds.map(String) : null,
        sensitive: p.sensitive,
        spoiler_text: p.spoilerText || null,
        visibility: p.visibility,
        scheduled_at: null,
        in_reply_to_id: p.inReplyToId,
        language: p.language,
        application_id: null,
        idempotency: null,
        with_rate_limit: false,
      },
      media_attachments: attached.map((m) => serializeMedia(core, m)),
    };
  });
}
