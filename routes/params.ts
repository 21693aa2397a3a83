import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { badRequest, notFound } from "../src/errors.ts";
import { parseId } from "../src/ids.ts";
import type { IdRange } from "../src/notifications/notification.repository.ts";
import { isHashtagName } from "../src/search/hashtag.ts";
import { asArray } from "./nested-params.ts";

/** A path id, or 404 as Mastodon answers for ids that cannot exist. */
export function pathId(request: FastifyRequest, name = "id"): bigint {
  const id = parseId((request.params as Record<string, unknown>)[name]);
  if (id === null) throw notFound("Record");
  return id;
}

/** A hashtag name from the path, lower-cased; 404 for a name that cannot be a hashtag (as Mastodon answers). */
export function hashtagParam(request: FastifyRequest, name: string): string {
  const value = String((request.params as Record<string, unknown>)[name] ?? "");
  if (!isHashtagName(value)) throw notFound("Tag");
  return value.toLowerCase();
}

/** An id as apps send it: digits that fit a 64-bit id (a larger number cannot be one, and would fail in the database). */
export const idString = (message = "must be a numeric id") =>
  z
    .string({ error: message })
    .refine((v) => parseId(v) !== null, message)
    .transform((v) => BigInt(v));

/** A paging id; empty is absent, as Rails' `present?` reads it (apps send `max_id=`). */
const optionalId = z.preprocess((v) => (v === "" ? undefined : v), idString().optional());

/** Ruby's String#to_i, as Mastodon reads numbers: the integer the text starts with, 0 when there is none. */
export function rubyInteger(value: unknown): number {
  if (typeof value === "number") return Number.isFinite(value) ? Math.trunc(value) : 0;
  if (typeof value !== "string") return 0;
  const m = /^\s*([+-]?\d+(?:_\d+)*)/.exec(value);
  return m ? Number(m[1]!.replace(/_/g, "")) : 0;
}

/**
 * Mastodon's `limit`: read like to_i, its absolute value, at most `max`
 * (twice the default unless said), so no limit is ever refused. A limit that
 * reads as 0 (0, empty, not a number) gives the default page, where Mastodon
 * would answer an empty one.
 */
export const limitParam = (defaultLimit: number, max = defaultLimit * 2) =>
  z.unknown().optional().transform((v) => {
    const n = Math.abs(rubyInteger(v));
    return n === 0 ? defaultLimit : Math.min(n, max);
  });

/** `offset`, read like to_i; below 0 is 0. */
export const offsetParam = z.unknown().optional().transform((v) => Math.max(0, rubyInteger(v)));

/** Mastodon's search and home timeline refuse a negative limit or offset (its require_valid_pagination_options!). */
export function refuseNegativePagination(request: FastifyRequest) {
  const q = (request.query ?? {}) as Record<string, unknown>;
  if (rubyInteger(q.limit) < 0 || rubyInteger(q.offset) < 0) throw badRequest("Pagination values for `offset` and `limit` must be positive");
}

const pageQuery = z.object({
  max_id: optionalId,
  since_id: optionalId,
  min_id: optionalId,
  limit: limitParam(20),
});

export function pageOf(request: FastifyRequest): IdRange {
  const q = pageQuery.parse(request.query ?? {});
  return { maxId: q.max_id, sinceId: q.since_id, minId: q.min_id, limit: q.limit };
}

/** pageOf with an endpoint's own page size: Mastodon allows twice the default at most. */
export function pageSized(request: FastifyRequest, defaultLimit: number): IdRange {
  const { limit } = z.object({ limit: limitParam(defaultLimit) }).parse(request.query ?? {});
  return { ...pageOf(request), limit };
}

/** Mastodon's Link header: next pages back in time, prev pages forward. */
export function linkHeader(reply: FastifyReply, request: FastifyRequest, origin: string, items: { id: bigint | string }[]) {
  if (!items.length) return;
  const url = new URL(request.url, origin);
  const link = (key: string, value: string) => {
    const u = new URL(url);
    for (const k of ["max_id", "since_id", "min_id"]) u.searchParams.delete(k);
    u.searchParams.set(key, value);
    return u.href;
  };
  const newest = String(items[0]!.id);
  const oldest = String(items.at(-1)!.id);
  reply.header("link", `<${link("max_id", oldest)}>; rel="next", <${link("min_id", newest)}>; rel="prev"`);
}

/** `id[]=1&id[]=2`, `id=1&id=2`, `id=1` or `id[0]=1`: all the ways apps send id lists. */
export function idList(params: unknown, key = "id"): bigint[] {
  const raw = asArray(((params ?? {}) as Record<string, unknown>)[key]) ?? [];
  const values = raw.map((v) => parseId(v)).filter((v): v is bigint => v !== null);
  return [...new Set(values)].slice(0, 100);
}
