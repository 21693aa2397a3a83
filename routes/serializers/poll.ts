import type { Poll } from "../../src/polls/poll.repository.ts";
import { isExpired } from "../../src/polls/poll.rules.ts";

/**
 * Mastodon's Poll entity. `own` is the viewer's choices (undefined for an
 * anonymous viewer, who gets no `voted`/`own_votes`); hidden totals show
 * only to the author or once the poll has ended.
 */
export function serializePoll(poll: Poll, viewer: { id: bigint; own: number[] } | null, authorId: bigint) {
  const expired = isExpired(poll);
  const hidden = poll.hideTotals && !expired && viewer?.id !== authorId;
  return {
    id: String(poll.id),
    expires_at: poll.expiresAt?.toISOString() ?? null,
    expired,
    multiple: poll.multiple,
    votes_count: poll.votes.reduce((a, b) => a + b, 0),
    voters_count: poll.votersCount,
    options: poll.options.map((title, i) => ({ title, votes_count: hidden ? null : (poll.votes[i] ?? 0) })),
    emojis: [],
    ...(viewer ? { voted: viewer.id === authorId || viewer.own.length > 0, own_votes: viewer.own } : {}),
  };
}
