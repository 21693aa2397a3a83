import type { Accept, Follow, Reject } from "@fedify/vocab";
import { embedded, localActor, senderOf, type Ctx } from "./common.ts";

export async function onFollow(ctx: Ctx, follow: Follow) {
  if (!follow.id) return;
  const target = await localActor(ctx, follow.objectId);
  if (!target) return;
  const follower = await senderOf(ctx, follow);
  if (!follower) return;
  await ctx.data.follows.receiveFollow(follower, target, follow.id.href);
}

/**
 * Accept and Reject answer a follow a local account sent. The embedded Follow
 * is matched by its actor (ours) and object (the sender), not by id.
 */
async function followAnswered(ctx: Ctx, activity: Accept | Reject) {
  const remote = await senderOf(ctx, activity);
  if (!remote) return null;
  const inner = await embedded(activity);
  let follower = inner?.actor ? await localActor(ctx, new URL(inner.actor)) : null;
  if (inner?.object && inner.object !== remote.uri) return null;
  if (!follower && inner?.id) {
    const followId = /\/activities\/follows\/(\d+)$/.exec(inner.id)?.[1];
    const follow = followId ? await ctx.data.follows.findFollowById(BigInt(followId)) : null;
    if (follow && follow.followingId === remote.id) follower = await ctx.data.accounts.findById(follow.followerId);
  }
  return follower && follower.domain === null ? { follower, remote } : null;
}

export async function onAccept(ctx: Ctx, accept: Accept) {
  const found = await followAnswered(ctx, accept);
  if (found) await ctx.data.follows.receiveAccept(found.follower.id, found.remote.id);
}

export async function onReject(ctx: Ctx, reject: Reject) {
  const found = await followAnswered(ctx, reject);
  if (found) await ctx.data.follows.receiveReject(found.follower.id, found.remote.id);
}
