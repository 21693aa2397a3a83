// The core's port for side effects. Services describe what must happen after
// their write commits; the worker door (BullMQ) runs it, at least once, so every
// handler must be idempotent.

import type { Visibility } from "../generated/prisma/enums.ts";

/** What a remote server must be told, in the domain's words. */
export type Outbound =
  | { kind: "follow"; followId: string }
  | { kind: "undoFollow"; followUri: string; followerId: string; targetId: string }
  | { kind: "acceptFollow"; followUri: string; followerId: string; targetId: string }
  | { kind: "rejectFollow"; followUri: string; followerId: string; targetId: string }
  | { kind: "createStatus"; statusId: string }
  | { kind: "updateStatus"; statusId: string }
  | { kind: "deleteStatus"; status: StatusSnapshot }
  | { kind: "like"; favouriteId: string }
  | { kind: "undoLike"; likeUri: string; accountId: string; statusId: string }
  | { kind: "announce"; reblogId: string }
  | { kind: "undoAnnounce"; reblog: StatusSnapshot; originalId: string }
  | { kind: "block"; blockId: string }
  | { kind: "undoBlock"; blockUri: string; accountId: string; targetId: string }
  | { kind: "updateActor"; accountId: string }
  /** A suspended local account is gone for now: Delete{Person} to its followers' servers. */
  | { kind: "deleteActor"; accountId: string }
  /** A local account moved: Move to its followers' and blockers' servers, or to one follower's server that missed it. */
  | { kind: "move"; moveId: string; recipientId?: string }
  /** A forwarded report: Flag from the instance actor to the reported account's server. */
  | { kind: "flag"; reportId: string }
  /** A local account's choices in a remote poll, one Create{Note} per choice to the poll's author. */
  | { kind: "pollVote"; voteIds: string[] }
  /** New counts of a local poll, for followers and remote voters. */
  | { kind: "updatePoll"; statusId: string };

/** Enough of a deleted status to address its Delete to the same audience. */
export type StatusSnapshot = {
  id: string;
  uri: string;
  accountId: string;
  visibility: Visibility;
  mentionIds: string[];
  inReplyToAccountId: string | null;
  reblogOfAuthorId: string | null;
};

export type JobPayloads = {
  "federate": Outbound;
  "timeline.fanout": { statusId: string };
  "account.refresh": { uri: string };
  /** An account moved: its local followers follow the target instead (src/moves/move.service.ts). */
  "account.move": { moveId: string };
  /** A CSV import's rows are applied (src/portability/csv.service.ts). */
  "account.import": { importId: string };
  /** A suspended local account's grace period is over: its data goes, unless it was unsuspended meanwhile. */
  "account.purge": { accountId: string; suspendedAt: string };
  "status.publishScheduled": { scheduledStatusId: string };
  /** A large upload's preview and blurhash, made after the API answered 202. */
  "media.process": { mediaId: string };
  /** The periodic sweep of media uploaded more than a day ago and never attached. */
  "media.cleanup": Record<string, never>;
  /** A poll's end time has come: its local voters and local author hear of it. */
  "poll.expire": { pollId: string };
  /** One notification to one Web Push subscription. */
  "push.deliver": { subscriptionId: string; notificationId: string };
};

export type JobName = keyof JobPayloads;

export type EnqueueOptions = {
  /** A job still waiting under the same key is not queued twice. */
  dedupeKey?: string;
  /** Runs it this much later. */
  delayMs?: number;
  /**
   * The caller is itself a job (an inbox activity): a worker process may run
   * this one at once instead of queueing it, saving the queue's round trips.
   * It is queued after all, with its retries, when it throws, and always in a
   * process that runs no jobs.
   */
  now?: boolean;
  /**
   * Bulk work that may wait (the thousands of Follows and Undos of a big
   * move): handed out only when no other job is waiting, so it never holds
   * up posts, deliveries or the move itself.
   */
  background?: boolean;
};

export interface JobQueue {
  enqueue<N extends JobName>(name: N, data: JobPayloads[N], options?: EnqueueOptions): Promise<void>;
}

/** Thrown by a job that can never succeed (the remote end refused it for good): no retries. */
export class PermanentJobError extends Error {}

export type JobHandlers = { [N in JobName]: (data: JobPayloads[N]) => Promise<void> };
