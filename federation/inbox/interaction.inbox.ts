import { Note, type Announce, type Block, type Like, type Undo } from "@fedify/vocab";
import type { Account } from "../../src/accounts/account.repository.ts";
import { parseId } from "../../src/ids.ts";
import { embedded, localActor, sameOrigin, senderOf, type Ctx } from "./common.ts";
import { storeFetchedPost } from "./fetch-post.ts";
import type { Outcome } from "./outcomes.ts";

/** The id of the local status an ActivityPub id names. */
function localStatusId(ctx: Ctx, uri: URL | string | null | undefined): bigint | null {
  if (!uri) return null;
  const parsed = ctx.parseUri(new URL(uri));
  if (parsed?.type !== "object" || parsed.class !== Note) return null;
  return parseId(parsed.values.id);
}

export async function onLike(ctx: Ctx, like: Like): Promise<Outcome> {
  if (!like.id) return "unsupported";
  const actor = await senderOf(ctx, like);
  if (!actor) return "unknown-actor";
  const id = localStatusId(ctx, like.objectId);
  const status = id !== null ? await ctx.data.statuses.findTarget(id) : null;
  if (!status || status.reblogOfId) return "unknown-target";
  await ctx.data.favourites.receiveLike(actor, status, like.id.href);
  return "handled";
}

export async function onAnnounce(ctx: Ctx, announce: Announce): Promise<Outcome> {
  if (!announce.id || !announce.objectId) return "unsupported";
  const actor = await senderOf(ctx, announce);
  if (!actor) return "unknown-actor";
  if (!sameOrigin(announce.id, actor.uri)) return "not-theirs";
  const target = (await ctx.data.statuses.findByUri(announce.objectId.href)) ?? (await storeFetchedPost(ctx, announce.objectId));
  if (!target || target.reblogOfId) return "unknown-target";
  const published = announce.published ? new Date(announce.published.epochMilliseconds) : new Date();
  await ctx.data.statuses.receiveAnnounce(actor, target, announce.id.href, published);
  return "handled";
}

export async function onBlock(ctx: Ctx, block: Block): Promise<Outcome> {
  if (!block.id) return "unsupported";
  const actor = await senderOf(ctx, block);
  if (!actor) return "unknown-actor";
  const target = await localActor(ctx, block.objectId);
  if (!target) return "unknown-target";
  await ctx.data.blocks.receiveBlock(actor, target, block.id.href);
  return "handled";
}

/** Undo names what it undoes by embedding it; we trust only what its own actor did. */
export async function onUndo(ctx: Ctx, undo: Undo): Promise<Outcome> {
  const actor = await senderOf(ctx, undo);
  if (!actor) return "unknown-actor";
  const inner = await embedded(undo);
  if (!inner) return "unsupported";
  if (inner.actor && inner.actor !== actor.uri) return "not-theirs";
  const target = inner.type === "Follow" || inner.type === "Block" ? await localActor(ctx, inner.object ? new URL(inner.object) : null) : null;
  switch (inner.type) {
    case "Follow":
      if (!target) return "unknown-target";
      await ctx.data.follows.receiveUndo(actor.id, target.id);
      return "handled";
    case "Block":
      if (!target) return "unknown-target";
      await ctx.data.blocks.receiveUndoBlock(actor, target);
      return "handled";
    case "Like":
      if (!inner.id) return "unsupported";
      await ctx.data.favourites.receiveUndoLike(actor, inner.id, localStatusId(ctx, inner.object));
      return "handled";
    case "Announce":
      if (!inner.id) return "unsupported";
      await ctx.data.statuses.receiveUndoAnnounce(actor, inner.id);
      return "handled";
    default:
      if (!inner.id) return "unsupported";
      await undoById(ctx, actor, inner.id);
      return "handled";
  }
}

/** Some servers send Undo with only the id of what they undo. */
async function undoById(ctx: Ctx, actor: Account, id: string) {
  await ctx.data.statuses.receiveUndoAnnounce(actor, id);
  await ctx.data.favourites.receiveUndoLike(actor, id, null);
}
