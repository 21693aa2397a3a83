import { Article, Create, Note, Question, Update, type Activity } from "@fedify/vocab";
import type { Core } from "../../src/core.ts";
import type { Ctx } from "./common.ts";
import { signatureKeyIds } from "./origin-guard.ts";
import type { Outcome } from "./outcomes.ts";

// Domain blocks and the allow list at the inbox, in two places.
//
// 1. Before Fedify: a request signed by a key on a server we do not federate
//    with, or carrying an activity whose actor lives there, is answered 403 at
//    once. That is Mastodon's answer (its signature check refuses such keys
//    with 403), it costs no signature check and no queue slot, and a 403 is
//    final for the sender, so it stops retrying instead of knocking for days.
// 2. In the worker: activities queued before a block arrived are dropped, and
//    posts from a reject_media domain lose their attachments before they are
//    stored.

function actorOf(body: unknown): string | null {
  if (!body || typeof body !== "object" || Array.isArray(body)) return null;
  const actor = (body as { actor?: unknown }).actor;
  const first = Array.isArray(actor) ? actor[0] : actor;
  const id = typeof first === "string" ? first : first && typeof first === "object" ? (first as { id?: unknown }).id : null;
  return typeof id === "string" ? id : null;
}

/** Whether a request must be refused because it comes from a server we do not federate with. */
export async function refusedByDomainPolicy(core: Core, headers: Headers, body: unknown): Promise<boolean> {
  const urls = [...signatureKeyIds(headers)];
  const actor = actorOf(body);
  if (actor) urls.push(actor);
  for (const url of urls) {
    if (!(await core.moderation.policy.federatesWith(url))) return true;
  }
  return false;
}

const isPost = (o: unknown): o is Note | Article | Question => o instanceof Note || o instanceof Article || o instanceof Question;

/** The activity as the listener may see it, or null to drop it. */
async function screen<T extends Activity>(ctx: Ctx, activity: T): Promise<T | null> {
  const host = activity.actorId?.host;
  if (!host) return activity;
  const policy = ctx.data.moderation.policy;
  if (!(await policy.federates(host))) return null;
  if ((activity instanceof Create || activity instanceof Update) && (await policy.rejectsMedia(host))) {
    const object = await activity.getObject({ documentLoader: ctx.documentLoader }).catch(() => null);
    if (isPost(object)) return activity.clone({ object: object.clone({ attachments: [] }) }) as T;
  }
  return activity;
}

/** Runs a listener behind the domain policy. */
export async function underDomainPolicy<T extends Activity>(ctx: Ctx, activity: T, listener: (ctx: Ctx, activity: T) => Promise<Outcome>): Promise<Outcome> {
  const screened = await screen(ctx, activity);
  return screened ? listener(ctx, screened) : "blocked-domain";
}
