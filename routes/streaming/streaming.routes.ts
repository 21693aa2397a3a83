import "@fastify/websocket";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Core } from "../../src/core.ts";
import { forbidden, KithError } from "../../src/errors.ts";
import { StreamHub } from "./hub.ts";
import type { StreamSession } from "./session.ts";
import { mayStream, type StreamRequest } from "./streams.ts";

// Mastodon's streaming API on the web process itself: one WebSocket endpoint
// where clients subscribe to streams by query (`?stream=user`) or by message
// (`{"type":"subscribe","stream":"hashtag","tag":"cats"}`).

/** Mastodon's order: the Authorization header, the access_token parameter, then the WebSocket subprotocol. */
function tokenOf(request: FastifyRequest): string | null {
  const header = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? "")?.[1];
  const query = (request.query as { access_token?: unknown }).access_token;
  const protocol = request.headers["sec-websocket-protocol"]?.split(",")[0]?.trim();
  return header ?? (typeof query === "string" && query ? query : null) ?? (protocol || null);
}

/** Tokens in the query string must not reach the request log. */
const redacted = (url: string) => url.replace(/([?&]access_token=)[^&]*/gi, "$1[redacted]");

async function authenticate(core: Core, request: FastifyRequest) {
  const token = tokenOf(request);
  if (!token) throw new KithError(401, "Missing access token");
  const principal = await core.tokens.authenticate(token);
  if (!principal || principal.accountId === null) throw new KithError(401, "The access token is invalid");
  if (!mayStream(principal.scopes)) throw forbidden("This action is outside the authorized scopes");
  return { account: await core.accounts.get(principal.accountId), scopes: principal.scopes };
}

export function streamingRoutes(app: FastifyInstance, core: Core) {
  const hub = new StreamHub(core);
  const sessions = new WeakMap<FastifyRequest, StreamSession>();
  app.addHook("onClose", () => hub.close());

  app.get("/api/v1/streaming/health", async (_request, reply) => reply.type("text/plain; charset=utf-8").send("OK"));

  app.route({
    method: "GET",
    url: "/api/v1/streaming",
    logSerializers: { req: (request: FastifyRequest) => ({ method: request.method, url: redacted(request.url), remoteAddress: request.ip }) },
    // Runs before the upgrade: a bad token is refused with a plain HTTP 401, and
    // the stream asked for in the URL is subscribed before the socket opens,
    // so nothing published after the client sees `open` is missed.
    preValidation: async (request) => {
      const { account, scopes } = await authenticate(core, request);
      if (!request.ws) return;
      const session = hub.open(account, scopes, request.log);
      sessions.set(request, session);
      // A failed handshake closes the socket without ever reaching wsHandler.
      request.raw.socket.once("close", () => void hub.end(session));
      const query = request.query as StreamRequest;
      if (query.stream !== undefined) await session.subscribe(query);
    },
    handler: async (_request, reply) => reply.status(426).header("upgrade", "websocket").send({ error: "This endpoint only accepts WebSocket connections" }),
    wsHandler: (socket, request) => hub.connect(sessions.get(request)!, socket),
  });
}
