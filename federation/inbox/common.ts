import type { InboxContext } from "@fedify/fedify";
import type { Activity } from "@fedify/vocab";
import type { Account } from "../../src/accounts/account.repository.ts";
import type { Core } from "../../src/core.ts";

export type Ctx = InboxContext<Core>;

export const sameOrigin = (a: URL | string, b: URL | string) => new URL(a).origin === new URL(b).origin;

/** The account that sent an activity (Fedify has verified it signed it). */
export async function senderOf(ctx: Ctx, activity: Activity): Promise<Account | null> {
  if (!activity.actorId) return null;
  const account = await ctx.data.accounts.resolveSender(activity.actorId.href);
  return account && account.domain !== null && !account.suspendedAt ? account : null;
}

/** The local account a URI names, if any. */
export async function localActor(ctx: Ctx, uri: URL | null | undefined): Promise<Account | null> {
  if (!uri) return null;
  const parsed = ctx.parseUri(uri);
  if (parsed?.type !== "actor") return null;
  return ctx.data.accounts.getLocalByUsername(parsed.identifier);
}

/**
 * The embedded object of an activity as plain JSON. Undo, Accept and Reject
 * often embed an object whose id we cannot fetch (Misskey re-synthesizes
 * Follow ids), so we read its actor and object directly.
 */
export async function embedded(activity: Activity): Promise<{ id: string | null; type: string | null; actor: string | null; object: string | null } | null> {
  const json = (await activity.toJsonLd({ format: "compact" })) as Record<string, unknown>;
  const obj = json.object;
  if (typeof obj === "string") return { id: obj, type: null, actor: null, object: null };
  if (!obj || typeof obj !== "object") return null;
  const o = obj as Record<string, unknown>;
  return { id: idOf(o.id), type: typeof o.type === "string" ? o.type : null, actor: idOf(o.actor), object: idOf(o.object) };
}

function idOf(v: unknown): string | null {
  if (typeof v === "string") return v;
  if (v && typeof v === "object" && typeof (v as { id?: unknown }).id === "string") return (v as { id: string }).id;
  return null;
}
