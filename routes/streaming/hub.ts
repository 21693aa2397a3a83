import type { FastifyBaseLogger } from "fastify";
import type { Account } from "../../src/accounts/account.repository.ts";
import type { Core } from "../../src/core.ts";
import { StreamRenderer } from "./render.ts";
import { StreamSession } from "./session.ts";
import type { StreamTransport } from "./transport.ts";

/**
 * Mastodon's event streams send `:thump` every 15 s; WebSockets are pinged as
 * often, and one that missed a ping is dropped at the next.
 */
export const HEARTBEAT_MS = 15_000;

/** The streaming sessions of this web process, over either transport, with one heartbeat for all of them. */
export class StreamHub {
  private readonly core: Core;
  private readonly renderer: StreamRenderer;
  private readonly sessions = new Set<StreamSession>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(core: Core, heartbeatMs = HEARTBEAT_MS) {
    this.core = core;
    this.renderer = new StreamRenderer(core);
    this.heartbeat = setInterval(() => {
      for (const session of this.sessions) session.heartbeat();
    }, heartbeatMs);
    this.heartbeat.unref();
  }

  open(account: Account, scopes: string[], log: FastifyBaseLogger): StreamSession {
    const session = new StreamSession(this.core, this.renderer, account, scopes, log);
    this.sessions.add(session);
    return session;
  }

  /** The connection is open: the session lives as long as it does. */
  connect(session: StreamSession, transport: StreamTransport) {
    transport.onClose(() => void this.end(session));
    session.attach(transport);
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
