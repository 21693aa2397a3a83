import type { Accept, Follow, Reject } from "@fedify/vocab";
import { embedded, localActor, senderOf, type Ctx } from "./common.ts";
import type { Outcome } from "./outcomes.ts";

export async function onFollow(ctx: Ctx, follow: Follow): Promise<Outcome> {
  if (!follow.id) return "unsupported";
  const target = await localActor(ctx, follow.objectId);
  if (!target) return "unknown-target";
  const follower = await senderOf(ctx, follow);
  if (!follower) return "unknown-actor";
  await ctx.data.follows.receiveFollow(follower, target, follow.id.href);
  return "handled";
}

/**
 * Accept and Reject answer a follow a local account sent. The embedded Follow
 * is matched by its actor (ours) and object (the sender), not by id.
 */
async function followAnswered(ctx: Ctx, activity: Accept | Reject) {
  const remote = await senderOf(ctx, activity);
  if (!remote) return "unknown-actor";
  const inner = await embedded(activity);
  let follower = inner?.actor ? await localActor(ctx, new URL(inner.actor)) : null;
  if (inner?.object && inner.object !== remote.uri) return "not-theirs";
  if (!follower && inner?.id) {
    const followId = /\/activities\/follows\/(\d+)$/.exec(inner.id)?.[1];
    const follow = followId ? await ctx.data.follows.findFollowById(BigInt(followId)) : null;
    if (follow && follow.followingId === remote.id) follower = await ctx.data.accounts.findById(follow.followerId);
  }
  return follower && follower.domain === null ? { follower, remote } : "unknown-target";
}

export async function onAccept(ctx: Ctx, accept: Accept): Promise<Outcome> {
  const found = await followAnswered(ctx, accept);
  if (typeof found === "string") return found;
  await ctx.data.follows.receiveAccept(found.follower.id, found.remote.id);
  return "handled";
}

export async function onReject(ctx: Ctx, reject: Reject): Promise<Outcome> {
  const found = await followAnswered(ctx, reject);
  if (typeof found === "string") return found;
  await ctx.data.follows.receiveReject(found.follower.id, found.remote.id);
  return "handled";
}
