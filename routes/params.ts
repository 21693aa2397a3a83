import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { notFound } from "../src/errors.ts";
import { parseId } from "../src/ids.ts";
import type { IdRange } from "../src/notifications/notification.repository.ts";
import { isHashtagName } from "../src/search/hashtag.ts";

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

const optionalId = idString().optional();

const pageQuery = z.object({
  max_id: optionalId,
  since_id: optionalId,
  min_id: optionalId,
  limit: z.coerce.number().int().min(1).default(20).transform((n) => Math.min(n, 40)),
});

export function pageOf(request: FastifyRequest): IdRange {
  const q = pageQuery.parse(request.query ?? {});
  return { maxId: q.max_id, sinceId: q.since_id, minId: q.min_id, limit: q.limit };
}

/** pageOf with an endpoint's own page size: Mastodon allows twice the default at most. */
export function pageSized(request: FastifyRequest, defaultLimit: number): IdRange {
  const { limit } = z.object({ limit: z.coerce.number().int().min(1).optional() }).parse(request.query ?? {});
  return { ...pageOf(request), limit: Math.min(limit ?? defaultLimit, defaultLimit * 2) };
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

/** `id[]=1&id[]=2`, `id=1` or `id[0]=1`: all the ways apps send id lists. */
export function idList(query: unknown, key = "id"): bigint[] {
  const q = (query ?? {}) as Record<string, unknown>;
  const raw = q[`${key}[]`] ?? q[key] ?? [];
  const values = (Array.isArray(raw) ? raw : [raw]).map((v) => parseId(v)).filter((v): v is bigint => v !== null);
  return [...new Set(values)].slice(0, 100);
}

export const boolish = z.union([z.boolean(), z.enum(["true", "false", "1", "0", "on", "off"]).transform((v) => ["true", "1", "on"].includes(v))], {
  error: "must be true or false",
});
