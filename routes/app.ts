import Fastify, { type FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { Core } from "../src/core.ts";
import { KithError } from "../src/errors.ts";
import { ZodError } from "zod";
import websocket from "@fastify/websocket";
import { registerCors } from "./cors.ts";
import { registerBodyParsers } from "./body-parsers.ts";
import { parseNestedForm } from "./nested-params.ts";
import { refuseNulCharacters } from "./nul-guard.ts";
import { registerRateLimits, type RateCounter } from "./rate-limit.ts";

// The HTTP server. Bodies and query strings are decoded the way Mastodon
// apps send them (routes/body-parsers.ts, routes/nested-params.ts).

export function buildApp(core: Core, logger: Logger, rateCounter?: RateCounter): FastifyInstance {
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: core.config.maxBodyBytes,
    // X-Forwarded-For is believed only from these peers; request.ip is otherwise the socket's address.
    trustProxy: core.config.trustedProxies.length ? [...core.config.trustedProxies] : false,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500, querystringParser: parseNestedForm },
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
  // Before the rate limits: preflights are answered without being counted, and a 429 carries CORS headers so apps can read it.
  registerCors(app as unknown as FastifyInstance);
  if (rateCounter) registerRateLimits(app as unknown as FastifyInstance, core, rateCounter);
  refuseNulCharacters(app as unknown as FastifyInstance);

  registerBodyParsers(app as unknown as FastifyInstance, core.config.maxBodyBytes);

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
