import { AsyncLocalStorage } from "node:async_hooks";
import type { MessageQueue, MessageQueueEnqueueOptions, MessageQueueListenOptions, RetryPolicy } from "@fedify/fedify";

// What became of every activity an inbox accepted (answered 202): handled by
// its listener, ignored by a named rule, put back for a retry, or failed for
// good. Nothing accepted may vanish without one of these, so each is counted
// where an operator reads it (`kith stats`), and a failure for good is logged
// at error level with the activity's id and the reason.
//
// Fedify runs the listener, catches what it throws, calls the error handler
// and asks the retry policy, all within the worker's handling of one queued
// message. The queue Fedify is given runs each message inside a trace
// (AsyncLocalStorage), and the listeners, the error handler and the retry
// policy note on it what happened; when the handling returns, the trace says
// how it ended.

/** Why a listener left an activity alone. Few and fixed: each is a counter. */
export type Ignored =
  | "blocked-domain" // the sender's server is blocked, or not on the allow list
  | "repeat" // an activity id handled before (Fedify), or an object stored before
  | "unknown-actor" // the sender cannot be resolved, or is suspended
  | "unknown-target" // what it is about (a local account or status) does not exist
  | "not-theirs" // the object is not the sender's to send (another author or origin)
  | "refused" // a claim that failed its checks: a Move whose target does not name the origin, or has moved itself
  | "unsupported"; // an activity or object type, or a shape, Kith does not act on

export type Outcome = "handled" | Ignored;

type Trace = { outcome: Outcome | null; error: unknown; retried: boolean };

/** Where the outcomes go: a counter per outcome, and the error log. */
export type OutcomeSink = {
  count(outcome: Outcome | "retried" | "failed"): void;
  failed(entry: { activityId: string | null; type: string | null; actor: string | null; attempt: number; error: unknown }): void;
};

export class InboxOutcomes {
  private readonly traces = new AsyncLocalStorage<Trace>();
  private readonly sink: OutcomeSink;
  private readonly listened: ReadonlySet<string>;

  /** `listened`: the activity types that have a listener, to tell a repeat from a type nobody handles. */
  constructor(sink: OutcomeSink, listened: ReadonlySet<string>) {
    this.sink = sink;
    this.listened = listened;
  }

  /** Called by the listener wrapper with what the listener reported. */
  settle(outcome: Outcome) {
    const trace = this.traces.getStore();
    if (trace) trace.outcome = outcome;
  }

  /** Called by the inbox error handler, before Fedify asks the retry policy. */
  failed(error: unknown) {
    const trace = this.traces.getStore();
    if (trace) trace.error = error;
  }

  /** The inbox retry policy, noting whether Fedify will try again. */
  retrying(policy: RetryPolicy): RetryPolicy {
    return (context) => {
      const delay = policy(context);
      const trace = this.traces.getStore();
      if (trace) trace.retried = delay != null;
      return delay;
    };
  }

  /** The inbox queue as Fedify is to use it: each message is handled inside a trace, then counted. */
  traced(queue: MessageQueue): MessageQueue {
    return new TracedQueue(queue, (message, handle) => this.handle(message, handle));
  }

  private async handle(message: any, handle: () => Promise<void> | void) {
    const trace: Trace = { outcome: null, error: null, retried: false };
    // A throw (Fedify could not even queue the retry) leaves the job to
    // BullMQ's own attempts, which log and count a job they give up on.
    await this.traces.run(trace, handle);
    if (trace.retried) return this.sink.count("retried");
    if (trace.error !== null) {
      // Fedify gave up: the retries are spent, or the activity cannot be parsed.
      this.sink.count("failed");
      const activity = message?.activity ?? {};
      const actor = typeof activity.actor === "string" ? activity.actor : (activity.actor?.id ?? null);
      this.sink.failed({ activityId: activity.id ?? null, type: activity.type ?? null, actor, attempt: (message?.attempt ?? 0) + 1, error: trace.error });
      return;
    }
    // No listener ran and nothing failed: Fedify dropped a repeated activity
    // id, or found no listener for the type.
    this.sink.count(trace.outcome ?? (this.listened.has(message?.activity?.type) ? "repeat" : "unsupported"));
  }
}

class TracedQueue implements MessageQueue {
  private readonly inner: MessageQueue;
  private readonly around: (message: any, handle: () => Promise<void> | void) => Promise<void>;

  constructor(inner: MessageQueue, around: TracedQueue["around"]) {
    this.inner = inner;
    this.around = around;
  }

  get nativeRetrial() {
    return this.inner.nativeRetrial;
  }

  enqueue(message: any, options?: MessageQueueEnqueueOptions) {
    return this.inner.enqueue(message, options);
  }

  enqueueMany(messages: readonly any[], options?: MessageQueueEnqueueOptions) {
    return this.inner.enqueueMany ? this.inner.enqueueMany(messages, options) : Promise.all(messages.map((m) => this.inner.enqueue(m, options))).then(() => undefined);
  }

  getDepth() {
    return this.inner.getDepth!();
  }

  listen(handler: (message: any) => Promise<void> | void, options?: MessageQueueListenOptions) {
    return this.inner.listen((message) => this.around(message, () => handler(message)), options);
  }
}
