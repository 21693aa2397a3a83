import { Note, type Announce, type Block, type Like, type Undo } from "@fedify/vocab";
import type { Account } from "../../src/accounts/account.repository.ts";
import { parseId } from "../../src/ids.ts";
import { embedded, localActor, sameOrigin, senderOf, type Ctx } from "./common.ts";
import { storeFetchedPost } from "./fetch-post.ts";

/** The id of the local status an ActivityPub id names. */
function localStatusId(ctx: Ctx, uri: URL | string | null | undefined): bigint | null {
  if (!uri) return null;
  const parsed = ctx.parseUri(new URL(uri));
  if (parsed?.type !== "object" || parsed.class !== Note) return null;
  return parseId(parsed.values.id);
}

export async function onLike(ctx: Ctx, like: Like) {
  if (!like.id) return;
  const actor = await senderOf(ctx, like);
  const id = localStatusId(ctx, like.objectId);
  const status = actor && id !== null ? await ctx.data.statuses.findTarget(id) : null;
  if (actor && status && !status.reblogOfId) await ctx.data.favourites.receiveLike(actor, status, like.id.href);
}

export async function onAnnounce(ctx: Ctx, announce: Announce) {
  if (!announce.id || !announce.objectId) return;
  const actor = await senderOf(ctx, announce);
  if (!actor || !sameOrigin(announce.id, actor.uri)) return;
  const target = (await ctx.data.statuses.findByUri(announce.objectId.href)) ?? (await storeFetchedPost(ctx, announce.objectId));
  if (!target || target.reblogOfId) return;
  const published = announce.published ? new Date(announce.published.epochMilliseconds) : new Date();
  await ctx.data.statuses.receiveAnnounce(actor, target, announce.id.href, published);
}

export async function onBlock(ctx: Ctx, block: Block) {
  if (!block.id) return;
  const actor = await senderOf(ctx, block);
  const target = await localActor(ctx, block.objectId);
  if (actor && target) await ctx.data.blocks.receiveBlock(actor, target, block.id.href);
}

/** Undo names what it undoes by embedding it; we trust only what its own actor did. */
export async function onUndo(ctx: Ctx, undo: Undo) {
  const actor = await senderOf(ctx, undo);
  const inner = await embedded(undo);
  if (!actor || !inner) return;
  if (inner.actor && inner.actor !== actor.uri) return;
  switch (inner.type) {
    case "Follow": {
      const target = await localActor(ctx, inner.object ? new URL(inner.object) : null);
      if (target) await ctx.data.follows.receiveUndo(actor.id, target.id);
      return;
    }
    case "Like": {
      if (inner.id) await ctx.data.favourites.receiveUndoLike(actor, inner.id, localStatusId(ctx, inner.object));
      return;
    }
    case "Announce":
      if (inner.id) await ctx.data.statuses.receiveUndoAnnounce(actor, inner.id);
      return;
    case "Block": {
      const target = await localActor(ctx, inner.object ? new URL(inner.object) : null);
      if (target) await ctx.data.blocks.receiveUndoBlock(actor, target);
      return;
    }
    default:
      if (inner.id) await undoById(ctx, actor, inner.id);
  }
}

/** Some servers send Undo with only the id of what they undo. */
async function undoById(ctx: Ctx, actor: Account, id: string) {
  await ctx.data.statuses.receiveUndoAnnounce(actor, id);
  await ctx.data.favourites.receiveUndoLike(actor, id, null);
}
