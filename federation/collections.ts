import type { Federation } from "@fedify/fedify";
import { Create, type Recipient } from "@fedify/vocab";
import type { Core } from "../src/core.ts";
import { paths } from "../src/urls.ts";
import { statusToNote } from "./mapping/note.ts";

const PAGE = 50;
const cursorOffset = (cursor: string) => Math.max(0, Number.parseInt(cursor, 10) || 0);

export function registerCollections(federation: Federation<Core>) {
  federation
    .setFollowersDispatcher(paths.followers, async (ctx, identifier, cursor) => {
      const account = await ctx.data.accounts.getLocalByUsername(identifier);
      if (!account || cursor === null) return null;
      const offset = cursorOffset(cursor);
      const rows = await ctx.data.follows.followersPage(account.id, PAGE, offset);
      const items: Recipient[] = rows.map((r) => ({ id: new URL(r.follower.uri), inboxId: null }));
      return { items, nextCursor: rows.length === PAGE ? String(offset + PAGE) : null };
    })
    .setCounter(async (ctx, identifier) => (await ctx.data.accounts.getLocalByUsername(identifier))?.followersCount ?? null)
    .setFirstCursor(() => "0");

  federation
    .setFollowingDispatcher(paths.following, async (ctx, identifier, cursor) => {
      const account = await ctx.data.accounts.getLocalByUsername(identifier);
      if (!account || cursor === null) return null;
      const offset = cursorOffset(cursor);
      const rows = await ctx.data.follows.followingPage(account.id, PAGE, offset);
      return { items: rows.map((r) => new URL(r.following.uri)), nextCursor: rows.length === PAGE ? String(offset + PAGE) : null };
    })
    .setCounter(async (ctx, identifier) => (await ctx.data.accounts.getLocalByUsername(identifier))?.followingCount ?? null)
    .setFirstCursor(() => "0");

  federation
    .setOutboxDispatcher(paths.outbox, async (ctx, identifier, cursor) => {
      const account = await ctx.data.accounts.getLocalByUsername(identifier);
      if (!account || cursor === null) return null;
      const maxId = /^\d+$/.test(cursor) ? BigInt(cursor) : undefined;
      const rows = await ctx.data.timelines.accountStatuses(account.id, { maxId, limit: 20 }, null);
      const items = rows
        .filter((s) => s.visibility === "public" && !s.reblogOfId)
        .map((s) => {
          const note = statusToNote(ctx, s);
          return new Create({ id: new URL(`${s.uri}/activity`), actor: note.attributionId, object: note, tos: note.toIds, ccs: note.ccIds, published: note.published });
        });
      const last = rows.at(-1);
      return { items, nextCursor: rows.length === 20 && last ? String(last.id) : null };
    })
    .setCounter(async (ctx, identifier) => (await ctx.data.accounts.getLocalByUsername(identifier))?.statusesCount ?? null)
    .setFirstCursor(() => "");

  federation.setFeaturedDispatcher(paths.featured, async (ctx, identifier) => {
    const account = await ctx.data.accounts.getLocalByUsername(identifier);
    return account ? { items: (await ctx.data.pins.featured(account.id)).map((s) => statusToNote(ctx, s)) } : null;
  });
}
