import type { FastifyBaseLogger } from "fastify";
import type { Account } from "../../src/accounts/account.repository.ts";
import type { Core } from "../../src/core.ts";
import { KithError } from "../../src/errors.ts";
import type { StreamMessage } from "../../src/streaming/channels.ts";
import type { Listener } from "../../src/streaming/pubsub.ts";
import type { StreamRenderer } from "./render.ts";
import { resolveStream, type Stream, type StreamRequest } from "./streams.ts";
import type { Outgoing, StreamTransport } from "./transport.ts";

/** Each stream costs a Redis subscription; no client needs more than this on one connection. */
const MAX_SUBSCRIPTIONS = 100;

type Subscription = { stream: Stream; listener: Listener };

// One streaming connection of one user, whatever carries it (a WebSocket or
// an event stream): the streams it subscribed to, and an ordered outbox, so a
// `delete` never overtakes the `update` it follows even though rendering an
// update takes a database round trip.

export class StreamSession {
  readonly account: Account;
  private readonly scopes: string[];
  private readonly core: Core;
  private readonly renderer: StreamRenderer;
  private readonly log: FastifyBaseLogger;
  private readonly subscriptions = new Map<string, Subscription>();
  private transport: StreamTransport | null = null;
  /** What was ready before the connection was: a stream is subscribed before the client is told it is open. */
  private early: Outgoing[] = [];
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(core: Core, renderer: StreamRenderer, account: Account, scopes: string[], log: FastifyBaseLogger) {
    this.core = core;
    this.renderer = renderer;
    this.account = account;
    this.scopes = scopes;
    this.log = log;
  }

  attach(transport: StreamTransport) {
    if (this.closed) return transport.close();
    this.transport = transport;
    for (const message of this.early) transport.send(message);
    this.early = [];
  }

  /** Subscribes to a stream; problems are told to the client as Mastodon does, `{"error", "status"}`. */
  async subscribe(request: StreamRequest) {
    try {
      await this.add(await resolveStream(this.core, this.account, this.scopes, request));
    } catch (err) {
      this.fail(err);
    }
  }

  /** Subscribes to a stream already resolved (and so allowed); resolves once its messages will arrive. */
  async add(stream: Stream) {
    const key = stream.label.join("\n");
    if (this.closed || this.subscriptions.has(key)) return;
    if (this.subscriptions.size >= MAX_SUBSCRIPTIONS) throw new KithError(400, `At most ${MAX_SUBSCRIPTIONS} streams per connection`);
    const listener: Listener = (_channel, message) => this.enqueue(() => this.deliver(stream, message));
    this.subscriptions.set(key, { stream, listener });
    await Promise.all(stream.channels.map((channel) => this.core.streaming.subscribe(channel, listener)));
  }

  async unsubscribe(request: StreamRequest) {
    try {
      const stream = await resolveStream(this.core, this.account, this.scopes, request);
      await this.drop(stream.label.join("\n"));
    } catch (err) {
      this.fail(err);
    }
  }

  async close() {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions.keys()].map((key) => this.drop(key)));
    this.transport?.close();
  }

  heartbeat() {
    this.transport?.heartbeat();
  }

  /** A message from a WebSocket client: `{"type": "subscribe" | "unsubscribe", "stream", ...}`. */
  receive(text: string | null) {
    let message: unknown = null;
    try {
      message = text === null ? null : JSON.parse(text);
    } catch {
      /* reported below */
    }
    if (!message || typeof message !== "object") return this.fail(new KithError(400, "Messages must be JSON objects"));
    const { type, ...request } = message as { type?: unknown } & StreamRequest;
    if (type === "subscribe") void this.subscribe(request);
    else if (type === "unsubscribe") void this.unsubscribe(request);
    else this.fail(new KithError(400, "Unknown message type; expected subscribe or unsubscribe"));
  }

  private async drop(key: string) {
    const subscription = this.subscriptions.get(key);
    if (!subscription) return;
    this.subscriptions.delete(key);
    await Promise.all(subscription.stream.channels.map((channel) => this.core.streaming.unsubscribe(channel, subscription.listener)));
  }

  private async deliver(stream: Stream, message: StreamMessage) {
    if (this.closed) return;
    const rendered = await this.renderer.render(message, stream, this.account);
    if (rendered) this.send({ stream: stream.label, ...rendered });
  }

  private enqueue(task: () => Promise<void>) {
    this.queue = this.queue.then(task).catch((err) => this.log.error({ err }, "streaming: could not deliver an event"));
  }

  private fail(err: unknown) {
    if (err instanceof KithError) return this.send({ error: err.publicMessage, status: err.status });
    this.log.error({ err }, "streaming: subscription failed");
    this.send({ error: "An unexpected error occurred", status: 500 });
  }

  private send(message: Outgoing) {
    if (this.transport) this.transport.send(message);
    else this.early.push(message);
  }
}
