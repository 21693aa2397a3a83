import type { Account } from "../accounts/account.repository.ts";
import { notFound, unprocessable } from "../errors.ts";
import type { JobQueue } from "../jobs/jobs.ts";
import type { NotificationService } from "../notifications/notification.service.ts";
import type { StatusView } from "../statuses/status.repository.ts";
import type { StatusService } from "../statuses/status.service.ts";
import { POLL_END_TOLERANCE_MS, schedulePollEnd } from "./poll-end.ts";
import { isExpired, validateChoices } from "./poll.rules.ts";
import type { Poll, PollRepository } from "./poll.repository.ts";

// Votes, local and federated. A local vote on a remote poll is counted here
// at once and sent to the poll's author, whose counts come back in an
// Update{Question}; a remote vote on a local poll is counted, never stored as
// a status, and the new counts go out to followers and voters.

/** How long new counts wait, so a burst of votes makes one Update{Question}. */
export const POLL_UPDATE_DELAY_MS = 5_000;

export type RemoteVote = { uri: string; inReplyToUri: string; name: string };

export class PollService {
  private readonly polls: PollRepository;
  private readonly statuses: StatusService;
  private readonly jobs: JobQueue;
  private readonly notifications: NotificationService;

  constructor(polls: PollRepository, statuses: StatusService, jobs: JobQueue, notifications: NotificationService) {
    this.polls = polls;
    this.statuses = statuses;
    this.jobs = jobs;
    this.notifications = notifications;
  }

  /** A poll whose status the viewer may see, or 404. */
  async get(id: bigint, viewerId: bigint | null): Promise<{ poll: Poll; status: StatusView }> {
    const poll = await this.polls.findById(id);
    if (!poll) throw notFound("Record");
    const status = await this.statuses.getVisible(poll.statusId, viewerId);
    return { poll, status };
  }

  async vote(account: Account, id: bigint, choices: number[]): Promise<Poll> {
    const { poll, status } = await this.get(id, account.id);
    if (isExpired(poll)) throw unprocessable("Validation failed: The poll has already ended");
    const valid = validateChoices(poll, choices);
    const remote = status.account.domain !== null;
    const outcome = await this.polls.vote(poll.id, account.id, valid, (voteId) => (remote ? `${account.uri}#votes/${voteId}` : null), false);
    if (!outcome) throw notFound("Record");
    if (outcome.alreadyVoted) throw unprocessable("Validation failed: You have already voted on this poll");
    if (remote) {
      await this.jobs.enqueue("federate", { kind: "pollVote", voteIds: outcome.created.map((v) => String(v.id)) });
      // A local poll's end is set when it is posted; a remote one's once someone here has a stake in it.
      await schedulePollEnd(this.jobs, outcome.poll);
    } else await this.announceCounts(status.id);
    return outcome.poll;
  }

  /**
   * A Create{Note} with a name, in reply to a local poll, is a vote (Mastodon
   * and Misskey both vote so). Returns false when it is not one, so the note
   * is handled as an ordinary reply.
   */
  async receiveRemoteVote(actor: Account, vote: RemoteVote): Promise<boolean> {
    const status = await this.statuses.findByUri(vote.inReplyToUri);
    const poll = status?.poll;
    if (!status || !poll || status.account.domain !== null) return false;
    const choice = poll.options.indexOf(vote.name);
    if (choice < 0) return false;
    if (isExpired(poll) || !(await this.statuses.canSee(status, actor.id))) return true;
    if (await this.polls.findVoteByUri(vote.uri)) return true;
    const outcome = await this.polls.vote(poll.id, actor.id, [choice], () => vote.uri, poll.multiple);
    if (outcome && !outcome.alreadyVoted) await this.announceCounts(status.id);
    return true;
  }

  /** The viewer's own choices, per poll (the serializer's `voted` and `own_votes`). */
  ownVotesAmong(accountId: bigint, pollIds: bigint[]) {
    return this.polls.ownVotesAmong(accountId, pollIds);
  }

  /** A local account's votes on a remote poll, as they are sent: the voter, the poll's status, each choice by name. */
  async ballot(voteIds: bigint[]) {
    const votes = await this.polls.findVotes(voteIds);
    const poll = votes[0] ? await this.polls.findById(votes[0].pollId) : null;
    const status = poll ? await this.statuses.findById(poll.statusId) : null;
    if (!poll || !status) return null;
    const sent = votes.filter((v) => v.uri && v.pollId === poll.id && v.accountId === votes[0]!.accountId);
    return { accountId: votes[0]!.accountId, status, votes: sent.map((v) => ({ uri: v.uri!, name: poll.options[v.choice] ?? "" })) };
  }

  /**
   * The job at a poll's end time: local voters and the local author get a
   * `poll` notification (once each, whatever runs twice), and a local poll's
   * final counts go out. A poll whose end moved later waits for the new time.
   */
  async announceEnd(pollId: bigint, now = new Date()): Promise<void> {
    const poll = await this.polls.findById(pollId);
    if (!poll?.expiresAt) return;
    if (!isExpired(poll, new Date(now.getTime() + POLL_END_TOLERANCE_MS))) return schedulePollEnd(this.jobs, poll, now.getTime());
    const status = await this.statuses.findById(poll.statusId);
    if (!status) return;
    await this.notifications.pollEnded(status, await this.polls.localVoterIds(poll.id));
    if (status.account.domain === null) await this.jobs.enqueue("federate", { kind: "updatePoll", statusId: String(status.id) });
  }

  remoteVoterIds(pollId: bigint) {
    return this.polls.remoteVoterIds(pollId);
  }

  private announceCounts(statusId: bigint) {
    return this.jobs.enqueue("federate", { kind: "updatePoll", statusId: String(statusId) }, { dedupeKey: `poll-update:${statusId}`, delayMs: POLL_UPDATE_DELAY_MS });
  }
}
