import type { Addressed, StreamMessage } from "./channels.ts";

export type Listener = (channel: string, message: StreamMessage) => void;

/**
 * How stream messages reach every web process. Subscriptions are counted per
 * channel: the transport subscribes when the first listener arrives and
 * unsubscribes when the last one leaves.
 */
export interface PubSub {
  publish(messages: Addressed[]): Promise<void>;
  /** Resolves once messages published from now on will reach `listener`. */
  subscribe(channel: string, listener: Listener): Promise<void>;
  unsubscribe(channel: string, listener: Listener): Promise<void>;
  close(): Promise<void>;
  /** Where failures of live updates are reported: they never fail the write that caused them. */
  readonly onError: (err: unknown) => void;
}

/** Listener sets by channel; `onFirst`/`onLast` tell the transport when to (un)subscribe. */
export class ListenerRegistry {
  private readonly byChannel = new Map<string, Set<Listener>>();

  add(channel: string, listener: Listener): boolean {
    const set = this.byChannel.get(channel);
    if (set) {
      set.add(listener);
      return false;
    }
    this.byChannel.set(channel, new Set([listener]));
    return true;
  }

  /** True when the channel has no listener left. */
  remove(channel: string, listener: Listener): boolean {
    const set = this.byChannel.get(channel);
    if (!set || !set.delete(listener)) return false;
    if (set.size) return false;
    this.byChannel.delete(channel);
    return true;
  }

  dispatch(channel: string, message: StreamMessage) {
    for (const listener of this.byChannel.get(channel) ?? []) listener(channel, message);
  }

  clear() {
    this.byChannel.clear();
  }
}

/** One process, no Redis: for the admin CLI and unit tests. */
export class LocalPubSub implements PubSub {
  private readonly listeners = new ListenerRegistry();
  readonly onError: (err: unknown) => void;

  constructor(onError: (err: unknown) => void = () => undefined) {
    this.onError = onError;
  }

  async publish(messages: Addressed[]) {
    for (const { channel, message } of messages) this.listeners.dispatch(channel, message);
  }

  async subscribe(channel: string, listener: Listener) {
    this.listeners.add(channel, listener);
  }

  async unsubscribe(channel: string, listener: Listener) {
    this.listeners.remove(channel, listener);
  }

  async close() {
    this.listeners.clear();
  }
}
