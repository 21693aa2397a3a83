import type { FastifyBaseLogger } from "fastify";
import type { WebSocket } from "ws";
import type { Account } from "../../src/accounts/account.repository.ts";
import type { Core } from "../../src/core.ts";
import { StreamRenderer } from "./render.ts";
import { StreamSession } from "./session.ts";

/** How often sockets are pinged; one that misses a ping is dropped at the next. */
const HEARTBEAT_MS = 30_000;

/** The streaming sessions of this web process, with one heartbeat for all of them. */
export class StreamHub {
  private readonly core: Core;
  private readonly renderer: StreamRenderer;
  private readonly sessions = new Set<StreamSession>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(core: Core) {
    this.core = core;
    this.renderer = new StreamRenderer(core);
    this.heartbeat = setInterval(() => {
      for (const session of this.sessions) session.ping();
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  open(account: Account, scopes: string[], log: FastifyBaseLogger): StreamSession {
    const session = new StreamSession(this.core, this.renderer, account, scopes, log);
    this.sessions.add(session);
    return session;
  }

  /** The upgrade completed: the session lives as long as its socket. */
  connect(session: StreamSession, socket: WebSocket) {
    socket.on("close", () => void this.end(session));
    session.attach(socket);
  }

  async end(session: StreamSession) {
    this.sessions.delete(session);
    await session.close();
  }

  async close() {
    clearInterval(this.heartbeat);
    await Promise.all([...this.sessions].map((session) => this.end(session)));
  }
}
