import type { FastifyInstance } from "fastify";
import { unprocessable } from "../src/errors.ts";

// PostgreSQL text cannot hold U+0000: a client API request carrying one is
// refused with a 422 that says so, instead of failing in the database (500).

export const NUL_MESSAGE = "Validation failed: text must not contain NUL characters (U+0000)";

export function hasNul(value: unknown): boolean {
  if (typeof value === "string") return value.includes("\0");
  if (Array.isArray(value)) return value.some(hasNul);
  if (value && typeof value === "object" && !Buffer.isBuffer(value)) return Object.entries(value).some(([k, v]) => k.includes("\0") || hasNul(v));
  return false;
}

export function refuseNulCharacters(app: FastifyInstance) {
  // preHandler: after every body parser, multipart fields included, has run.
  app.addHook("preHandler", async (request) => {
    if (request.url.startsWith("/api/") && (hasNul(request.query) || hasNul(request.body))) throw unprocessable(NUL_MESSAGE);
  });
}
