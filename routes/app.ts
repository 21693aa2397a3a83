import Fastify, { type FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { Core } from "../src/core.ts";
import { KithError } from "../src/errors.ts";
import { ZodError } from "zod";
import websocket from "@fastify/websocket";
import { refuseNulCharacters } from "./nul-guard.ts";
import { registerRateLimits, type RateCounter } from "./rate-limit.ts";

// The HTTP server. Every body is kept raw (signatures are computed over the
// bytes) and decoded here for the client API: JSON, or form fields the way
// Mastodon apps send them (`id[]=1&id[]=2`).

const JSON_TYPES = /^application\/(json|activity\+json|ld\+json|jrd\+json)/i;

export function parseForm(body: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [rawKey, value] of new URLSearchParams(body)) {
    if (rawKey.endsWith("[]")) {
      const key = rawKey.slice(0, -2);
      // `a=1&a[]=2` makes a list of both rather than failing on a string.
      const prior = out[key];
      out[key] = [...(Array.isArray(prior) ? prior : prior === undefined ? [] : [prior]), value];
    } else {
      out[rawKey] = value;
    }
  }
  return out;
}

export function buildApp(core: Core, logger: Logger, rateCounter?: RateCounter): FastifyInstance {
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: core.config.maxBodyBytes,
    // X-Forwarded-For is believed only from these peers; request.ip is otherwise the socket's address.
    trustProxy: core.config.trustedProxies.length ? [...core.config.trustedProxies] : false,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
  });

  // Before any route, so upgrades reach only WebSocket routes (the streaming API).
  (app as unknown as FastifyInstance).register(websocket, {
    options: { maxPayload: 64 * 1024 },
    // A client vanishing mid-stream is ordinary, not an error worth a stack trace.
    errorHandler: (err, socket, request) => {
      request.log.debug({ err }, "websocket closed with an error");
      socket.terminate();
    },
  });
  if (rateCounter) registerRateLimits(app as unknown as FastifyInstance, core, rateCounter);
  refuseNulCharacters(app as unknown as FastifyInstance);

  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (request, body, done) => {
    const raw = body as Buffer;
    request.rawBody = raw;
    const type = request.headers["content-type"] ?? "";
    if (raw.length === 0) return done(null, {});
    if (JSON_TYPES.test(type)) {
      try {
        return done(null, JSON.parse(raw.toString("utf8")));
      } catch {
        return done(new KithError(400, "The request body is not valid JSON"), undefined);
      }
    }
    if (/^application\/x-www-form-urlencoded/i.test(type)) return done(null, parseForm(raw.toString("utf8")));
    return done(null, raw);
  });

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof KithError) {
      if (error.status >= 500) request.log.error({ err: error }, "request failed");
      return reply.status(error.status).send({ error: error.publicMessage });
    }
    if (error instanceof ZodError) {
      const detail = error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
      return reply.status(422).send({ error: `Validation failed: ${detail}` });
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 413) return reply.status(413).send({ error: "The request body is too large" });
    if (status && status >= 400 && status < 500) return reply.status(status).send({ error: (error as Error).message });
    request.log.error({ err: error }, "unhandled error");
    return reply.status(500).send({ error: "An unexpected error occurred" });
  });

  // Fastify's instance type carries the logger's type; the doors only need the base one.
  return app as unknown as FastifyInstance;
}
