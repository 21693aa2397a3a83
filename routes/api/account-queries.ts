import type { FastifyRequest } from "fastify";
import { z } from "zod";
import type { AccountStatusesQuery } from "../../src/timelines/timeline.service.ts";
import { isHashtagName } from "../../src/search/hashtag.ts";
import type { IdRange } from "../../src/notifications/notification.repository.ts";
import { limitParam, offsetParam, pageSized } from "../params.ts";
import { flag, flagOr } from "../booleans.ts";

// Query and body shapes of the account endpoints, validated at the door.

const statusesQuery = z.object({
  only_media: flag,
  exclude_replies: flag,
  exclude_reblogs: flag,
  tagged: z.string().refine(isHashtagName, "tagged must be a hashtag name").optional(),
});

export function accountStatusesQuery(request: FastifyRequest): AccountStatusesQuery {
  const q = statusesQuery.parse(request.query ?? {});
  return { onlyMedia: q.only_media, excludeReplies: q.exclude_replies, excludeReblogs: q.exclude_reblogs, tagged: q.tagged };
}

/** POST /api/v1/accounts/:id/follow: what the follower wants from this follow. */
export const followOptions = z.object({
  reblogs: flag,
  notify: flag,
  // Kith does not filter by language yet; the list is checked and accepted so apps can send it.
  languages: z.preprocess((v) => (v === undefined || Array.isArray(v) ? v : [v]), z.array(z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]+)?$/, "languages must be ISO 639 codes")).optional()),
});

export const accountSearchQuery = z.object({
  q: z.string({ error: "q is required" }).trim().min(1, "q is required"),
  limit: limitParam(40),
  offset: offsetParam,
  resolve: flagOr(false),
  following: flagOr(false),
});

/** Pages of accounts are larger than pages of statuses: 40 by default, up to 80 (Mastodon's limits). */
export function accountPageOf(request: FastifyRequest): IdRange {
  return pageSized(request, 40);
}
