// What a streaming session hands to the connection it lives on: events and
// errors as Mastodon's entities, before they are framed for the wire (a JSON
// message on a WebSocket, an `event:`/`data:` pair on an event stream).

export type Outgoing =
  /** `payload` is already a string: an entity's JSON, or a status id for `delete`. */
  | { stream: string[]; event: string; payload?: string }
  | { error: string; status: number };

/** A client that lets this much pile up unread is dropped rather than buffered without end. */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export interface StreamTransport {
  send(message: Outgoing): void;
  /** Called by the hub's heartbeat: keeps proxies from timing the connection out and finds dead ones. */
  heartbeat(): void;
  close(): void;
  onClose(listener: () => void): void;
}
