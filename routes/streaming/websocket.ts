import type { WebSocket } from "ws";
import { MAX_BUFFERED_BYTES, type Outgoing, type StreamTransport } from "./transport.ts";

/** Mastodon's WebSocket framing: one JSON object per message, `{stream, event, payload}` or `{error, status}`. */
export class WebSocketTransport implements StreamTransport {
  private readonly socket: WebSocket;
  private alive = true;

  constructor(socket: WebSocket, onMessage: (text: string | null) => void) {
    this.socket = socket;
    socket.on("message", (data, isBinary) => onMessage(isBinary ? null : data.toString()));
    socket.on("pong", () => (this.alive = true));
  }

  send(message: Outgoing) {
    if (this.socket.readyState !== 1) return;
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) return this.socket.terminate();
    this.socket.send(JSON.stringify(message));
  }

  /** A socket that did not answer the last ping is dead. */
  heartbeat() {
    if (!this.alive) return this.socket.terminate();
    this.alive = false;
    this.socket.ping();
  }

  close() {
    if (this.socket.readyState < 2) this.socket.close(1001);
  }

  onClose(listener: () => void) {
    this.socket.on("close", listener);
  }
}
