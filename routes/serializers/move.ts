import type { Core } from "../../src/core.ts";
import type { MoveProgress } from "../../src/moves/move.service.ts";
import { serializeAccount } from "./account.ts";

/** Kith's move entity (Mastodon has no REST for moves): who moved where, and how far its followers have got. */
export function serializeMove(core: Core, m: MoveProgress) {
  return {
    id: String(m.id),
    direction: m.direction,
    origin: serializeAccount(core, m.origin),
    target: serializeAccount(core, m.target),
    created_at: m.createdAt.toISOString(),
    finished_at: m.finishedAt?.toISOString() ?? null,
    followers: { moved: m.followersMoved, failed: m.followersFailed, pending: m.followersPending },
  };
}
