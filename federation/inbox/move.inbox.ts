import type { Move } from "@fedify/vocab";
import { senderOf, type Ctx } from "./common.ts";
import type { Outcome } from "./outcomes.ts";

/**
 * Mastodon's Move: an account tells its followers' servers it now lives at
 * `target`. Fedify has checked that the actor signed it; the object must be
 * that same actor (nobody moves another account), and the core checks the
 * target before any follower moves.
 */
export async function onMove(ctx: Ctx, move: Move): Promise<Outcome> {
  if (!move.actorId || !move.objectId || !move.targetId) return "unsupported";
  if (move.objectId.href !== move.actorId.href) return "not-theirs";
  // A local account moves through its own server, never by a Move from outside.
  if (ctx.data.urls.isLocal(move.objectId.href)) return "not-theirs";
  const origin = await senderOf(ctx, move);
  if (!origin) return "unknown-actor";
  return ctx.data.moves.receive(origin, move.targetId.href);
}
