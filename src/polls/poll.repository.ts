import type { Db } from "../db/client.ts";
import type { Poll, PollVote } from "../generated/prisma/client.ts";
import { reserveId } from "../db/ids.ts";

export type { Poll, PollVote };

export type VoteOutcome = { poll: Poll; created: PollVote[]; alreadyVoted: boolean };

export class PollRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  findById(id: bigint) {
    return this.db.poll.findUnique({ where: { id } });
  }

  findByStatusId(statusId: bigint) {
    return this.db.poll.findUnique({ where: { statusId } });
  }

  /**
   * Records an account's choices and counts them, under a row lock so that
   * concurrent votes never lose a count. With `addToEarlier` (remote
   * multiple-choice polls, whose choices arrive one activity each) a voter
   * may add choices; otherwise a second vote is refused.
   */
  async vote(pollId: bigint, accountId: bigint, choices: number[], uriOf: (voteId: bigint) => string | null, addToEarlier: boolean): Promise<VoteOutcome | null> {
    return this.db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM "Poll" WHERE id = ${pollId} FOR UPDATE`;
      const poll = await tx.poll.findUnique({ where: { id: pollId } });
      if (!poll) return null;
      const earlier = await tx.pollVote.findMany({ where: { pollId, accountId }, select: { choice: true } });
      const fresh = choices.filter((c) => !earlier.some((e) => e.choice === c));
      if ((earlier.length && !addToEarlier) || !fresh.length) return { poll, created: [], alreadyVoted: true };
      const rows = [];
      for (const choice of fresh) {
        const id = await reserveId(tx);
        rows.push({ id, pollId, accountId, choice, uri: uriOf(id) });
      }
      await tx.pollVote.createMany({ data: rows });
      const votes = poll.votes.map((n, i) => n + (fresh.includes(i) ? 1 : 0));
      const updated = await tx.poll.update({ where: { id: pollId }, data: { votes, votersCount: poll.votersCount + (earlier.length ? 0 : 1) } });
      const created = await tx.pollVote.findMany({ where: { id: { in: rows.map((r) => r.id) } }, orderBy: { choice: "asc" } });
      return { poll: updated, created, alreadyVoted: false };
    });
  }

  findVoteByUri(uri: string) {
    return this.db.pollVote.findFirst({ where: { uri } });
  }

  findVotes(ids: bigint[]) {
    return this.db.pollVote.findMany({ where: { id: { in: ids } }, orderBy: { choice: "asc" } });
  }

  /** The viewer's choices in each of these polls. */
  async ownVotesAmong(accountId: bigint, pollIds: bigint[]): Promise<Map<bigint, number[]>> {
    const out = new Map<bigint, number[]>();
    if (!pollIds.length) return out;
    const rows = await this.db.pollVote.findMany({ where: { accountId, pollId: { in: pollIds } }, select: { pollId: true, choice: true }, orderBy: { choice: "asc" } });
    for (const r of rows) out.set(r.pollId, [...(out.get(r.pollId) ?? []), r.choice]);
    return out;
  }

  /** Local voters of a poll (local or remote), who hear when it ends. */
  localVoterIds(pollId: bigint) {
    return this.db.pollVote
      .findMany({ where: { pollId, account: { domain: null } }, select: { accountId: true }, distinct: ["accountId"] })
      .then((rows) => rows.map((r) => r.accountId));
  }

  /** Remote voters of a local poll, whose servers want to see the new counts. */
  remoteVoterIds(pollId: bigint) {
    return this.db.pollVote
      .findMany({ where: { pollId, account: { domain: { not: null } } }, select: { accountId: true }, distinct: ["accountId"] })
      .then((rows) => rows.map((r) => r.accountId));
  }
}
