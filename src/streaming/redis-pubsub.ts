import type { Redis } from "ioredis";
import type { Addressed, StreamMessage } from "./channels.ts";
import { ListenerRegistry, type Listener, type PubSub } from "./pubsub.ts";

// Redis PUBLISH/SUBSCRIBE, so a post made through one web process reaches
// sockets held by every other (and a settings change reaches every
// process's cache). Channel names carry the instance's Redis prefix, so
// instances sharing a Redis do not hear each other. Messages are JSON.

export class RedisPubSub<M = StreamMessage> implements PubSub<M> {
  private readonly publisher: Redis;
  private readonly connect: () => Redis;
  private readonly prefix: string;
  readonly onError: (err: unknown) => void;
  private readonly listeners = new ListenerRegistry<M>();
  /**
   * A connection in subscriber mode can do nothing else, so it is its own,
   * opened on first use. `connect` hands out connections whose failures are
   * already logged (src/redis.ts), so they are not reported here again.
   */
  private subscriber: Redis | null = null;
  private readonly pending = new Map<string, Promise<unknown>>();

  constructor(publisher: Redis, connect: () => Redis, prefix: string, onError: (err: unknown) => void) {
    this.publisher = publisher;
    this.connect = connect;
    this.prefix = prefix ? `${prefix}:` : "";
    this.onError = onError;
  }

  async publish(messages: Addressed<M>[]) {
    if (!messages.length) return;
    const pipeline = this.publisher.pipeline();
    for (const { channel, message } of messages) pipeline.publish(this.prefix + channel, JSON.stringify(message));
    await pipeline.exec();
  }

  async subscribe(channel: string, listener: Listener<M>) {
    if (this.listeners.add(channel, listener)) {
      this.pending.set(channel, this.connection().subscribe(this.prefix + channel));
    }
    await this.pending.get(channel);
  }

  async unsubscribe(channel: string, listener: Listener<M>) {
    if (!this.listeners.remove(channel, listener)) return;
    this.pending.delete(channel);
    // Commands on one connection run in order, so a later SUBSCRIBE of the same channel still wins.
    await this.subscriber?.unsubscribe(this.prefix + channel);
  }

  async close() {
    this.listeners.clear();
    this.pending.clear();
    const subscriber = this.subscriber;
    this.subscriber = null;
    await subscriber?.quit().catch(() => subscriber.disconnect());
  }

  private connection(): Redis {
    if (this.subscriber) return this.subscriber;
    const subscriber = this.connect();
    subscriber.on("message", (channel: string, raw: string) => {
      if (!channel.startsWith(this.prefix)) return;
      let message: M;
      try {
        message = JSON.parse(raw);
      } catch (err) {
        return this.onError(err);
      }
      this.listeners.dispatch(channel.slice(this.prefix.length), message);
    });
    this.subscriber = subscriber;
    return subscriber;
  }
}
