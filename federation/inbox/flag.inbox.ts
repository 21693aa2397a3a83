import type { Flag } from "@fedify/vocab";
import { senderOf, type Ctx } from "./common.ts";
import type { Outcome } from "./outcomes.ts";

/**
 * A report from another server (Mastodon sends it from its instance actor):
 * it names local accounts and posts; the core files one report per account.
 */
export async function onFlag(ctx: Ctx, flag: Flag): Promise<Outcome> {
  if (!flag.id) return "unsupported";
  const reporter = await senderOf(ctx, flag);
  if (!reporter) return "unknown-actor";
  const objectUris = flag.objectIds.map((u) => u.href).filter((u) => ctx.data.urls.isLocal(u));
  if (!objectUris.length) return "unknown-target";
  const content = flag.content == null ? "" : String(flag.content);
  await ctx.data.moderation.reports.receiveFlag(reporter, { uri: flag.id.href, objectUris, content });
  return "handled";
}
