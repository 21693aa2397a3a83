import type { Addressed, StreamMessage } from "./channels.ts";

export type Listener<M = StreamMessage> = (channel: string, message: M) => void;

/**
 * How messages reach every process: stream messages for the web processes'
 * sockets, and notices such as a settings change. Subscriptions are counted
 * per channel: the transport subscribes when the first listener arrives and
 * unsubscribes when the last one leaves.
 */
export interface PubSub<M = StreamMessage> {
  publish(messages: Addressed<M>[]): Promise<void>;
  /** Resolves once messages published from now on will reach `listener`. */
  subscribe(channel: string, listener: Listener<M>): Promise<void>;
  unsubscribe(channel: string, listener: Listener<M>): Promise<void>;
  close(): Promise<void>;
  /** Where failures to deliver are reported: they never fail the write that caused them. */
  readonly onError: (err: unknown) => void;
}

/** Listener sets by channel; `onFirst`/`onLast` tell the transport when to (un)subscribe. */
export class ListenerRegistry<M = StreamMessage> {
  private readonly byChannel = new Map<string, Set<Listener<M>>>();

  add(channel: string, listener: Listener<M>): boolean {
    const set = this.byChannel.get(channel);
    if (set) {
      set.add(listener);
      return false;
    }
    this.byChannel.set(channel, new Set([listener]));
    return true;
  }

  /** True when the channel has no listener left. */
  remove(channel: string, listener: Listener<M>): boolean {
    const set = this.byChannel.get(channel);
    if (!set || !set.delete(listener)) return false;
    if (set.size) return false;
    this.byChannel.delete(channel);
    return true;
  }

  dispatch(channel: string, message: M) {
    for (const listener of this.byChannel.get(channel) ?? []) listener(channel, message);
  }

  clear() {
    this.byChannel.clear();
  }
}

/** One process, no Redis: for the admin CLI and unit tests. */
export class LocalPubSub<M = StreamMessage> implements PubSub<M> {
  private readonly listeners = new ListenerRegistry<M>();
  readonly onError: (err: unknown) => void;

  constructor(onError: (err: unknown) => void = () => undefined) {
    this.onError = onError;
  }

  async publish(messages: Addressed<M>[]) {
    for (const { channel, message } of messages) this.listeners.dispatch(channel, message);
  }

  async subscribe(channel: string, listener: Listener<M>) {
    this.listeners.add(channel, listener);
  }

  async unsubscribe(channel: string, listener: Listener<M>) {
    this.listeners.remove(channel, listener);
  }

  async close() {
    this.listeners.clear();
  }
}

/**
 * A transport opened on first use: the admin CLI's, where most commands
 * publish nothing and so open no Redis connection.
 */
export class DeferredPubSub<M = StreamMessage> implements PubSub<M> {
  private readonly open: () => Promise<PubSub<M>>;
  private opened: Promise<PubSub<M>> | null = null;
  readonly onError: (err: unknown) => void;

  constructor(open: () => Promise<PubSub<M>>, onError: (err: unknown) => void) {
    this.open = open;
    this.onError = onError;
  }

  async publish(messages: Addressed<M>[]) {
    await (await (this.opened ??= this.open())).publish(messages);
  }

  async subscribe(channel: string, listener: Listener<M>) {
    await (await (this.opened ??= this.open())).subscribe(channel, listener);
  }

  async unsubscribe(channel: string, listener: Listener<M>) {
    await (await this.opened)?.unsubscribe(channel, listener);
  }

  async close() {
    await (await this.opened?.catch(() => null))?.close();
  }
}
