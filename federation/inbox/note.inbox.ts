import { Article, isActor, Note, Question, type Create, type Delete, type Object as ApObject, type Update } from "@fedify/vocab";
import type { Account } from "../../src/accounts/account.repository.ts";
import { actorToData } from "../mapping/actor.ts";
import { isPublic, noteToData } from "../mapping/note.ts";
import { sameOrigin, senderOf, type Ctx } from "./common.ts";

const isPost = (o: unknown): o is Note | Article | Question => o instanceof Note || o instanceof Article || o instanceof Question;

/** A post may only come from its author, and its id must live on the author's server. */
function authoredBy(object: ApObject, author: Account): boolean {
  return !!object.id && object.attributionId?.href === author.uri && sameOrigin(object.id, author.uri);
}

async function toData(ctx: Ctx, object: ApObject, author: Account) {
  const data = await noteToData(object, author.followersUrl);
  if (!data) return null;
  // Local accounts named in to/cc of a non-public post are silent mentions (Mastodon does the same).
  const audience = [...object.toIds, ...object.ccIds].filter((u) => !isPublic(u) && ctx.data.urls.isLocal(u.href));
  data.mentionUris = [...new Set([...data.mentionUris, ...audience.map((u) => u.href)])];
  return data;
}

export async function onCreate(ctx: Ctx, create: Create) {
  const author = await senderOf(ctx, create);
  if (!author) return;
  const object = await create.getObject();
  if (!isPost(object) || !authoredBy(object, author)) return;
  const data = await toData(ctx, object, author);
  if (data) await ctx.data.statuses.storeRemote(author, data);
}

export async function onUpdate(ctx: Ctx, update: Update) {
  const sender = await senderOf(ctx, update);
  if (!sender) return;
  const object = await update.getObject();
  if (isActor(object)) {
    if (object.id?.href !== sender.uri) return;
    const data = await actorToData(object);
    if (data) await ctx.data.accounts.upsertRemote(data);
    return;
  }
  if (!isPost(object) || !authoredBy(object, sender)) return;
  // Someone else's post under the same id stays theirs; refusing here (not
  // throwing) keeps the queue from retrying an edit that can never succeed.
  const existing = await ctx.data.statuses.findByUri(object.id!.href);
  if (existing && existing.accountId !== sender.id) return;
  const data = await toData(ctx, object, sender);
  if (data) await ctx.data.statuses.updateRemote(sender, data);
}

export async function onDelete(ctx: Ctx, del: Delete) {
  const sender = await senderOf(ctx, del);
  const objectId = del.objectId;
  if (!sender || !objectId || !sameOrigin(objectId, sender.uri)) return;
  if (objectId.href === sender.uri) {
    await ctx.data.accounts.markRemoteDeleted(sender.id);
    return;
  }
  await ctx.data.statuses.deleteRemote(sender, objectId.href);
}
