import { randomUUID } from "node:crypto";
import { createExponentialBackoffPolicy, createFederation, InProcessMessageQueue, MemoryKvStore } from "@fedify/fedify";
import { Create, Like } from "@fedify/vocab";
import { expect, it } from "vitest";
import { InboxOutcomes, type Outcome, type OutcomeSink } from "./outcomes.ts";

// Fedify's own queue processing, through the traced queue: what the
// listeners report, what Fedify retries and what it gives up on must each
// reach the sink, and a failure for good with the activity's id and reason.

const ORIGIN = "https://kith.example";
const AS = "https://www.w3.org/ns/activitystreams";

function setUp() {
  const counted: string[] = [];
  const failures: Parameters<OutcomeSink["failed"]>[0][] = [];
  const outcomes = new InboxOutcomes({ count: (o) => counted.push(o), failed: (f) => failures.push(f) }, new Set(["Create", "Like"]));
  const queue = new InProcessMessageQueue();
  const federation = createFederation<void>({
    kv: new MemoryKvStore(),
    queue: { inbox: outcomes.traced(queue) },
    manuallyStartQueue: true,
    // One retry, at once; then Fedify gives up.
    inboxRetryPolicy: outcomes.retrying(createExponentialBackoffPolicy({ initialDelay: { milliseconds: 1 }, maxAttempts: 1, jitter: false })),
  });
  const settle = (outcome: Outcome) => outcomes.settle(outcome);
  federation
    .setInboxListeners("/users/{identifier}/inbox", "/inbox")
    .withIdempotency("global")
    .on(Create, async () => {
      throw new Error("the disk is on fire");
    })
    .on(Like, async (_ctx, like) => settle(like.objectId?.href.endsWith("/gone") ? "unknown-target" : "handled"))
    .onError((_ctx, error) => outcomes.failed(error));
  const send = (activity: Record<string, unknown>) =>
    queue.enqueue({ type: "inbox", id: randomUUID(), baseUrl: ORIGIN, activity: { "@context": AS, actor: "https://far.example/users/bob", ...activity }, identifier: null, attempt: 0, started: new Date().toISOString(), traceContext: {} });
  const stop = new AbortController();
  void federation.startQueue(undefined, { signal: stop.signal });
  return { counted, failures, send, stop };
}

async function until(check: () => boolean) {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

it("counts what listeners report, a repeated activity id and a type nobody listens to", async () => {
  const { counted, send, stop } = setUp();
  const like = { id: "https://far.example/likes/1", type: "Like", object: `${ORIGIN}/users/alice/statuses/1` };
  await send(like);
  await until(() => counted.length === 1);
  await send(like);
  await send({ id: "https://far.example/likes/2", type: "Like", object: `${ORIGIN}/users/alice/statuses/gone` });
  await send({ id: "https://far.example/moves/1", type: "Move", object: "https://far.example/users/bob", target: "https://near.example/users/bob" });
  await until(() => counted.length === 4);
  stop.abort();
  expect(counted.sort()).toEqual(["handled", "repeat", "unknown-target", "unsupported"]);
});

it("counts a retry, then logs and counts the failure for good with the activity's id and the reason", async () => {
  const { counted, failures, send, stop } = setUp();
  await send({ id: "https://far.example/notes/1/activity", type: "Create", object: { id: "https://far.example/notes/1", type: "Note", content: "hi" } });
  await until(() => failures.length === 1);
  stop.abort();
  expect(counted).toEqual(["retried", "failed"]);
  expect(failures[0]).toMatchObject({ activityId: "https://far.example/notes/1/activity", type: "Create", actor: "https://far.example/users/bob", attempt: 2 });
  expect(String(failures[0]!.error)).toContain("the disk is on fire");
});
