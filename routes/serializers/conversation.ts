import type { Account } from "../../src/accounts/account.repository.ts";
import type { Core } from "../../src/core.ts";
import type { StatusView } from "../../src/statuses/status.repository.ts";
import { serializeAccount } from "./account.ts";
import { serializeTimeline } from "./timeline.ts";

type Row = Awaited<ReturnType<Core["conversations"]["page"]>>[number];

/** One Conversation entity (for the streaming API), its last status already loaded. */
export async function serializeConversation(core: Core, row: Row, lastStatus: StatusView, viewerId: bigint) {
  const viewer = await core.accounts.get(viewerId);
  return (await serializeConversations(core, [row], viewer, [lastStatus]))[0]!;
}

/** Mastodon's Conversation entities for a page, in three batched queries (accounts, statuses, filters). */
export async function serializeConversations(core: Core, rows: Row[], viewer: Account, loaded?: StatusView[]) {
  const accountIds = [...new Set(rows.flatMap((r) => r.participantIds))];
  const accounts = new Map((await core.accounts.findByIds(accountIds)).map((a) => [a.id, a]));
  const statuses = loaded ?? (await core.statuses.findByIds(rows.flatMap((r) => (r.lastStatusId ? [r.lastStatusId] : []))));
  const serialized = new Map((await serializeTimeline(core, statuses, viewer.id, "thread")).map((s) => [s.id as string, s]));
  return rows.map((r) => {
    const participants = r.participantIds.map((id) => accounts.get(id)).filter((a): a is Account => a !== undefined && !a.suspendedAt);
    return {
      id: String(r.id),
      unread: r.unread,
      // A note to oneself lists oneself, as Mastodon does.
      accounts: (participants.length ? participants : [viewer]).map((a) => serializeAccount(core, a)),
      last_status: r.lastStatusId ? (serialized.get(String(r.lastStatusId)) ?? null) : null,
    };
  });
}
