import cors, { type FastifyCorsOptions } from "@fastify/cors";
import type { FastifyInstance } from "fastify";
import { routedPath } from "./routed-path.ts";

// Cross-origin access as Mastodon grants it (its rack-cors initializer), so
// browser apps served from elsewhere (Elk, Phanpy, Mastodon's own web app)
// can use this server: any origin, never with cookies, and only where a
// token or nothing at all is what authorizes. The authorization page and the
// HTML pages stay same-origin: signing in there is what cookies are for.

/** rack-cors' default: browsers keep a preflight's answer for two hours. */
const PREFLIGHT_MAX_AGE_SECONDS = 7200;

const everyone: FastifyCorsOptions = {
  origin: "*",
  credentials: false,
  // allowedHeaders unset: the headers a preflight names are allowed (Mastodon's `headers: :any`),
  // Authorization, Content-Type and Idempotency-Key as well as any an app adds later.
  maxAge: PREFLIGHT_MAX_AGE_SECONDS,
};

const api: FastifyCorsOptions = {
  ...everyone,
  methods: ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"],
  // Apps page with Link and pace themselves with the rate limit headers.
  exposedHeaders: ["Link", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-Request-Id"],
};

const postOnly: FastifyCorsOptions = { ...everyone, methods: ["POST"] };
const readOnly: FastifyCorsOptions = { ...everyone, methods: ["GET"] };
const none: FastifyCorsOptions = { origin: false };

const ACTOR = /^\/(?:@|users\/)[^/]+$/;

/** The rules for a path; an actor is readable across origins in its JSON form only. */
function rulesFor(path: string, method: string): FastifyCorsOptions {
  if (path.startsWith("/api/")) return api;
  if (path === "/oauth/token" || path === "/oauth/revoke") return postOnly;
  if (path.startsWith("/.well-known/") || path.startsWith("/nodeinfo/")) return readOnly;
  // The same URL is an HTML page for browsers: a preflight is answered here, the answer is marked in onSend once its type is known.
  if (ACTOR.test(path)) return method === "OPTIONS" ? readOnly : none;
  return none;
}

const JSON_BODY = /^application\/(?:[\w.-]+\+)?json\b/i;

export function registerCors(app: FastifyInstance) {
  app.register(cors, {
    hook: "onRequest",
    delegator: (request, done) => done(null, rulesFor(routedPath(request), request.method)),
  });
  app.addHook("onSend", async (request, reply, payload) => {
    if (ACTOR.test(routedPath(request)) && JSON_BODY.test(String(reply.getHeader("content-type") ?? ""))) {
      reply.header("access-control-allow-origin", "*");
    }
    return payload;
  });
}
