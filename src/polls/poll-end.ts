import type { JobQueue } from "../jobs/jobs.ts";

// A poll's end is announced by a job delayed to its end time (Mastodon's
// PollExpirationNotifyWorker). The poll row stays the truth: a job for an end
// time that was moved finds the poll still open and waits for the new one.

/** A job that fires within this much of the end time counts as on time (timers are not exact). */
export const POLL_END_TOLERANCE_MS = 1_000;

/** Sets the job for the poll's end; one per poll and end time, however often it is asked for. */
export function schedulePollEnd(jobs: JobQueue, poll: { id: bigint; expiresAt: Date | null }, now = Date.now()): Promise<void> {
  if (!poll.expiresAt) return Promise.resolve();
  const at = poll.expiresAt.getTime();
  return jobs.enqueue("poll.expire", { pollId: String(poll.id) }, { dedupeKey: `poll-end:${poll.id}:${at}`, delayMs: Math.max(0, at - now) });
}
