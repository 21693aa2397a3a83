import type { FastifyRequest } from "fastify";
import { z } from "zod";
import type { IdRange } from "../../src/notifications/notification.repository.ts";
import { idString } from "../params.ts";

const optionalId = idString().optional();

/** Admin lists page like the client API's, but 100 at a time and up to 200 (Mastodon's admin defaults). */
const adminPage = z.object({
  max_id: optionalId,
  since_id: optionalId,
  min_id: optionalId,
  limit: z.coerce.number().int().min(1).default(100).transform((n) => Math.min(n, 200)),
});

export function adminPageOf(request: FastifyRequest): IdRange {
  const q = adminPage.parse(request.query ?? {});
  return { maxId: q.max_id, sinceId: q.since_id, minId: q.min_id, limit: q.limit };
}

/** A body or query field that is an id, given as a string (Mastodon apps) or a number. */
export const idField = z
  .union([z.string(), z.number().int()])
  .transform((v) => String(v))
  .pipe(idString());
