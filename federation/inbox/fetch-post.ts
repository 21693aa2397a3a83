import { Article, Note, Question } from "@fedify/vocab";
import type { StatusView } from "../../src/statuses/status.repository.ts";
import { noteToData } from "../mapping/note.ts";
import { sameOrigin, type Ctx } from "./common.ts";
import type { Context } from "@fedify/fedify";
import type { Core } from "../../src/core.ts";
import { INSTANCE_ACTOR } from "../../src/accounts/account.service.ts";

/** Fetches a remote post we do not have yet, checks who wrote it, and stores it. */
export async function storeFetchedPost(ctx: Ctx | Context<Core>, uri: URL): Promise<StatusView | null> {
  if (ctx.data.urls.isLocal(uri.href)) return null;
  const documentLoader = await ctx.getDocumentLoader({ identifier: INSTANCE_ACTOR });
  const object = await ctx.lookupObject(uri, { documentLoader }).catch(() => null);
  if (!(object instanceof Note || object instanceof Article || object instanceof Question) || !object.id || !object.attributionId) return null;
  if (!sameOrigin(object.id, object.attributionId) || !sameOrigin(object.id, uri)) return null;
  const author = await ctx.data.accounts.resolveUri(object.attributionId.href);
  if (!author || author.domain === null) return null;
  const data = await noteToData(object, author.followersUrl);
  return data ? ctx.data.statuses.storeRemote(author, data) : null;
}
