import type { FastifyRequest } from "fastify";
import { z } from "zod";
import type { IdRange } from "../../src/notifications/notification.repository.ts";
import { idString, pageSized } from "../params.ts";

/** Admin lists page like the client API's, but 100 at a time and up to 200 (Mastodon's admin defaults). */
export const adminPageOf = (request: FastifyRequest): IdRange => pageSized(request, 100);

/** A body or query field that is an id, given as a string (Mastodon apps) or a number. */
export const idField = z
  .union([z.string(), z.number().int()])
  .transform((v) => String(v))
  .pipe(idString());
