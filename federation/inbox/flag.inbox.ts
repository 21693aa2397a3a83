import type { Flag } from "@fedify/vocab";
import { senderOf, type Ctx } from "./common.ts";

/**
 * A report from another server (Mastodon sends it from its instance actor):
 * it names local accounts and posts; the core files one report per account.
 */
export async function onFlag(ctx: Ctx, flag: Flag) {
  if (!flag.id) return;
  const reporter = await senderOf(ctx, flag);
  if (!reporter) return;
  const objectUris = flag.objectIds.map((u) => u.href).filter((u) => ctx.data.urls.isLocal(u));
  if (!objectUris.length) return;
  const content = flag.content == null ? "" : String(flag.content);
  await ctx.data.moderation.reports.receiveFlag(reporter, { uri: flag.id.href, objectUris, content });
}
