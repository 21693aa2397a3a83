import { Article, isActor, Note, Question, type Activity, type Create, type Delete, type Object as ApObject, type Update } from "@fedify/vocab";
import type { Account } from "../../src/accounts/account.repository.ts";
import { actorToData } from "../mapping/actor.ts";
import { isPublic, noteToData } from "../mapping/note.ts";
import { sameOrigin, senderOf, type Ctx } from "./common.ts";
import type { Outcome } from "./outcomes.ts";

const isPost = (o: unknown): o is Note | Article | Question => o instanceof Note || o instanceof Article || o instanceof Question;

/** A post may only come from its author, and its id must live on the author's server. */
function authoredBy(object: ApObject, author: Account): boolean {
  return !!object.id && object.attributionId?.href === author.uri && sameOrigin(object.id, author.uri);
}

/** The object's JSON as its server sent it (embedded in the activity, or fetched on its own). */
async function rawOf(activity: Activity, object: ApObject): Promise<unknown> {
  const json = (await activity.toJsonLd().catch(() => null)) as Record<string, unknown> | null;
  const embedded = json?.object as Record<string, unknown> | undefined;
  if (embedded && typeof embedded === "object" && embedded.id === object.id?.href) return embedded;
  return object.toJsonLd().catch(() => null);
}

async function toData(ctx: Ctx, activity: Activity, object: ApObject, author: Account) {
  const data = await noteToData(object, author.followersUrl, await rawOf(activity, object));
  if (!data) return null;
  // Local accounts named in to/cc of a non-public post are silent mentions (Mastodon does the same).
  const audience = [...object.toIds, ...object.ccIds].filter((u) => !isPublic(u) && ctx.data.urls.isLocal(u.href));
  data.mentionUris = [...new Set([...data.mentionUris, ...audience.map((u) => u.href)])];
  return data;
}

/** Mastodon and Misskey vote with a Note that has a name (the choice) and no content, in reply to the poll. */
async function receivedVote(ctx: Ctx, author: Account, object: ApObject): Promise<boolean> {
  if (!(object instanceof Note) || !object.name || object.content || !object.replyTargetId || !ctx.data.urls.isLocal(object.replyTargetId.href)) return false;
  return ctx.data.polls.receiveRemoteVote(author, { uri: object.id!.href, inReplyToUri: object.replyTargetId.href, name: String(object.name) });
}

export async function onCreate(ctx: Ctx, create: Create): Promise<Outcome> {
  const author = await senderOf(ctx, create);
  if (!author) return "unknown-actor";
  const object = await create.getObject();
  if (!isPost(object)) return "unsupported";
  if (!authoredBy(object, author)) return "not-theirs";
  if (await receivedVote(ctx, author, object)) return "handled";
  const data = await toData(ctx, create, object, author);
  if (!data) return "unsupported";
  return (await ctx.data.statuses.storeRemote(author, data)) ? "handled" : "not-theirs";
}

export async function onUpdate(ctx: Ctx, update: Update): Promise<Outcome> {
  let sender = await senderOf(ctx, update);
  const object = await update.getObject();
  // An actor whose server deleted (suspended) it and then restored it within
  // the grace period announces itself again with Update{Person}.
  if (!sender && isActor(object) && update.actorId && object.id?.href === update.actorId.href) {
    sender = await ctx.data.accounts.restoreSelfDeleted(update.actorId.href);
  }
  if (!sender) return "unknown-actor";
  if (isActor(object)) {
    if (object.id?.href !== sender.uri) return "not-theirs";
    const data = await actorToData(object);
    if (!data) return "unsupported";
    await ctx.data.accounts.upsertRemote(data);
    return "handled";
  }
  if (!isPost(object)) return "unsupported";
  if (!authoredBy(object, sender)) return "not-theirs";
  // Someone else's post under the same id stays theirs; refusing here (not
  // throwing) keeps the queue from retrying an edit that can never succeed.
  const existing = await ctx.data.statuses.findByUri(object.id!.href);
  if (existing && existing.accountId !== sender.id) return "not-theirs";
  const data = await toData(ctx, update, object, sender);
  if (!data) return "unsupported";
  await ctx.data.statuses.updateRemote(sender, data);
  return "handled";
}

export async function onDelete(ctx: Ctx, del: Delete): Promise<Outcome> {
  const sender = await senderOf(ctx, del);
  const objectId = del.objectId;
  if (!sender) return "unknown-actor";
  if (!objectId) return "unsupported";
  if (!sameOrigin(objectId, sender.uri)) return "not-theirs";
  if (objectId.href === sender.uri) await ctx.data.accounts.markRemoteDeleted(sender.id);
  else await ctx.data.statuses.deleteRemote(sender, objectId.href);
  return "handled";
}
