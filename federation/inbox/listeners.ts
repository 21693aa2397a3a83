import { Accept, Announce, Block, Create, Delete, Flag, Follow, Like, Move, Reject, Undo, Update, type Activity } from "@fedify/vocab";
import type { Federation } from "@fedify/fedify";
import type { Core } from "../../src/core.ts";
import { paths } from "../../src/urls.ts";
import { INSTANCE_ACTOR } from "../../src/accounts/account.service.ts";
import type { Ctx } from "./common.ts";
import { underDomainPolicy } from "./domain-policy.ts";
import { onFlag } from "./flag.inbox.ts";
import { onAccept, onFollow, onReject } from "./follow.inbox.ts";
import { onAnnounce, onBlock, onLike, onUndo } from "./interaction.inbox.ts";
import { onMove } from "./move.inbox.ts";
import { onCreate, onDelete, onUpdate } from "./note.inbox.ts";
import type { InboxOutcomes, Outcome } from "./outcomes.ts";

// Fedify verifies the HTTP signature, that the signing key belongs to the
// activity's actor, and the time window, then queues the activity and answers
// 202. These listeners run in workers; each is idempotent, and activities
// are deduplicated by id across all inboxes. Each says what it made of its
// activity (outcomes.ts): handled, or which rule left it alone.

/** The activity types Kith has listeners for, as they are named on the wire. */
export const LISTENED = new Set(["Follow", "Accept", "Reject", "Undo", "Create", "Update", "Delete", "Like", "Announce", "Block", "Flag", "Move"]);

export function registerInbox(federation: Federation<Core>, outcomes: InboxOutcomes) {
  const setters = federation
    .setInboxListeners(paths.inbox, paths.sharedInbox)
    .withIdempotency("global")
    // Objects fetched while handling an activity are fetched with signed GETs.
    .setSharedKeyDispatcher(() => ({ identifier: INSTANCE_ACTOR }));
  // Every listener sits behind the domain blocks and the allow list.
  const on = <T extends Activity>(type: new (...args: any[]) => T, listener: (ctx: Ctx, activity: T) => Promise<Outcome>) =>
    setters.on(type, async (ctx, activity) => {
      const outcome = await underDomainPolicy(ctx, activity, listener);
      outcomes.settle(outcome);
      // A server still following a moved account missed its Move: it hears it again now. Best
      // effort: the activity is handled, and a reminder that fails is tried at its next one.
      if (outcome !== "blocked-domain" && activity.actorId) await ctx.data.moves.remind(activity.actorId.href).catch(() => undefined);
    });
  on(Follow, onFollow);
  on(Accept, onAccept);
  on(Reject, onReject);
  on(Undo, onUndo);
  on(Create, onCreate);
  on(Update, onUpdate);
  on(Delete, onDelete);
  on(Like, onLike);
  on(Announce, onAnnounce);
  on(Block, onBlock);
  on(Flag, onFlag);
  on(Move, onMove);
  // Fedify logs the failure with the attempt and asks the retry policy next.
  setters.onError((_ctx, error) => outcomes.failed(error));
}
