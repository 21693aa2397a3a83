import { Accept, Announce, Block, Create, Delete, Flag, Follow, Like, Reject, Undo, Update } from "@fedify/vocab";
import type { Federation } from "@fedify/fedify";
import { getLogger } from "@logtape/logtape";
import type { Core } from "../../src/core.ts";
import { paths } from "../../src/urls.ts";
import { INSTANCE_ACTOR } from "../../src/accounts/account.service.ts";
import { underDomainPolicy } from "./domain-policy.ts";
import { onFlag } from "./flag.inbox.ts";
import { onAccept, onFollow, onReject } from "./follow.inbox.ts";
import { onAnnounce, onBlock, onLike, onUndo } from "./interaction.inbox.ts";
import { onCreate, onDelete, onUpdate } from "./note.inbox.ts";

// Fedify verifies the HTTP signature, that the signing key belongs to the
// activity's actor, and the time window, then queues the activity and answers
// 202. These listeners run in workers; each is idempotent, and activities
// are deduplicated by id across all inboxes.

export function registerInbox(federation: Federation<Core>) {
  // Every listener below sits behind the domain blocks and the allow list.
  underDomainPolicy(federation.setInboxListeners(paths.inbox, paths.sharedInbox))
    .withIdempotency("global")
    // Objects fetched while handling an activity are fetched with signed GETs.
    .setSharedKeyDispatcher(() => ({ identifier: INSTANCE_ACTOR }))
    .on(Follow, onFollow)
    .on(Accept, onAccept)
    .on(Reject, onReject)
    .on(Undo, onUndo)
    .on(Create, onCreate)
    .on(Update, onUpdate)
    .on(Delete, onDelete)
    .on(Like, onLike)
    .on(Announce, onAnnounce)
    .on(Block, onBlock)
    .on(Flag, onFlag)
    .onError((_ctx, error) => {
      // Fedify retries the activity with backoff after this returns.
      getLogger(["kith", "inbox"]).error("Inbox listener failed: {error}", { error });
    });
}
