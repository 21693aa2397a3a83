import "@fastify/websocket";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { OutgoingHttpHeaders } from "node:http";
import { z } from "zod";
import type { Core } from "../../src/core.ts";
import { forbidden, KithError } from "../../src/errors.ts";
import { EventStreamTransport } from "./event-stream.ts";
import { HEARTBEAT_MS, StreamHub } from "./hub.ts";
import type { StreamSession } from "./session.ts";
import { EVENT_STREAM_PATHS, eventStreamName, mayStream, resolveStream, type StreamRequest } from "./streams.ts";
import { WebSocketTransport } from "./websocket.ts";
import { flag } from "../booleans.ts";

// Mastodon's streaming API on the web process itself, over two transports
// that share sessions, subscriptions and rendering: one WebSocket endpoint
// where clients subscribe to streams by query (`?stream=user`) or by message
// (`{"type":"subscribe","stream":"hashtag","tag":"cats"}`), and one
// server-sent events endpoint per stream (`/api/v1/streaming/hashtag?tag=cats`).

/** Mastodon's order: the Authorization header, the access_token parameter, then the WebSocket subprotocol. */
function tokenOf(request: FastifyRequest): string | null {
  const header = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? "")?.[1];
  const query = (request.query as { access_token?: unknown }).access_token;
  const protocol = request.headers["sec-websocket-protocol"]?.split(",")[0]?.trim();
  return header ?? (typeof query === "string" && query ? query : null) ?? (protocol || null);
}

/** Tokens in the query string must not reach the request log. */
const redacted = (url: string) => url.replace(/([?&]access_token=)[^&]*/gi, "$1[redacted]");
const logSerializers = { req: (request: FastifyRequest) => ({ method: request.method, url: redacted(request.url), remoteAddress: request.ip }) };

async function authenticate(core: Core, request: FastifyRequest) {
  const token = tokenOf(request);
  if (!token) throw new KithError(401, "Missing access token");
  const principal = await core.tokens.authenticate(token);
  if (!principal || principal.accountId === null) throw new KithError(401, "The access token is invalid");
  if (!mayStream(principal.scopes)) throw forbidden("This action is outside the authorized scopes");
  return { account: await core.accounts.get(principal.accountId), scopes: principal.scopes };
}

const eventStreamQuery = z.object({ only_media: flag, tag: z.string().optional(), list: z.string().optional() });

export function streamingRoutes(app: FastifyInstance, core: Core, options: { heartbeatMs?: number } = {}) {
  const hub = new StreamHub(core, options.heartbeatMs ?? HEARTBEAT_MS);
  const sessions = new WeakMap<FastifyRequest, StreamSession>();
  // Before the server stops accepting: an open event stream is a request that never completes on its own.
  app.addHook("preClose", () => hub.close());

  app.get("/api/v1/streaming/health", async (_request, reply) => reply.type("text/plain; charset=utf-8").send("OK"));

  app.route({
    method: "GET",
    url: "/api/v1/streaming",
    logSerializers,
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
    wsHandler: (socket, request) => {
      const session = sessions.get(request)!;
      hub.connect(session, new WebSocketTransport(socket, (text) => session.receive(text)));
    },
  });

  for (const path of Object.keys(EVENT_STREAM_PATHS)) {
    app.get(`/api/v1/streaming/${path}`, { logSerializers }, async (request, reply) => {
      const { account, scopes } = await authenticate(core, request);
      const query = eventStreamQuery.parse(request.query ?? {});
      // Refusals (a missing tag, someone else's list, a scope) are HTTP errors, before the stream opens.
      const stream = await resolveStream(core, account, scopes, { stream: eventStreamName(path, query.only_media ?? false), tag: query.tag, list: query.list });
      const session = hub.open(account, scopes, request.log);
      try {
        await session.add(stream);
      } catch (err) {
        await hub.end(session);
        throw err;
      }
      reply.hijack();
      // A client that left while the subscription was made is not there to be told of its end.
      if (request.raw.socket.destroyed) return void (await hub.end(session));
      // The stream is written raw: the headers hooks set (CORS) are handed over, or browsers in other origins could not read it.
      hub.connect(session, new EventStreamTransport(reply.raw, reply.getHeaders() as OutgoingHttpHeaders));
    });
  }

  // Mastodon refuses a path it has no stream for before looking at the token.
  app.get("/api/v1/streaming/*", async () => {
    throw new KithError(400, "Unknown channel requested");
  });
}
