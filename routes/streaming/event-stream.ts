import type { OutgoingHttpHeaders, ServerResponse } from "node:http";
import { MAX_BUFFERED_BYTES, type Outgoing, type StreamTransport } from "./transport.ts";

// Mastodon's server-sent events framing (GET /api/v1/streaming/user and the
// like): `event: update` and `data: {...}` lines, a blank line after each
// event, a `:)` comment on opening and `:thump` comments as the heartbeat.
// The stream is fixed by the URL, so the `stream` array is not sent.

export class EventStreamTransport implements StreamTransport {
  private readonly response: ServerResponse;

  constructor(response: ServerResponse, headers: OutgoingHttpHeaders = {}) {
    this.response = response;
    response.writeHead(200, {
      ...headers,
      "content-type": "text/event-stream",
      "cache-control": "no-store",
      // nginx would otherwise hold events back until its buffer fills.
      "x-accel-buffering": "no",
      // An ended stream's connection is not kept for another request: at shutdown it would keep the server open.
      connection: "close",
    });
    response.flushHeaders();
    this.write(":)\n");
  }

  send(message: Outgoing) {
    // Every failure that can reach an event stream happens before it opens and is an HTTP error instead.
    if ("error" in message) return this.close();
    // Mastodon writes a payload-less event (filters_changed) as JavaScript prints a missing value.
    this.write(`event: ${message.event}\ndata: ${message.payload ?? "undefined"}\n\n`);
  }

  heartbeat() {
    this.write(":thump\n");
  }

  close() {
    if (!this.response.writableEnded) this.response.end();
  }

  onClose(listener: () => void) {
    this.response.on("close", listener);
  }

  private write(text: string) {
    if (this.response.writableEnded || this.response.destroyed) return;
    if (this.response.writableLength > MAX_BUFFERED_BYTES) return void this.response.destroy();
    this.response.write(text);
  }
}
