import type { StatusView } from "./status.repository.ts";

/** What deciding who may see a status needs of it. */
export type Audience = Pick<StatusView, "accountId" | "visibility"> & { account?: { suspendedAt: Date | null } | null; mentions: { accountId: bigint }[] };

/**
 * Who may see a status: public and unlisted are open; followers-only needs an
 * accepted follow (or a mention); direct only its author and mentioned accounts.
 */
export async function canSee(
  status: Audience,
  viewerId: bigint | null,
  isFollowing: (follower: bigint, target: bigint) => Promise<boolean>,
): Promise<boolean> {
  // A suspended author's posts answer 404 to everyone while the data is kept.
  if (status.account?.suspendedAt) return false;
  if (status.visibility === "public" || status.visibility === "unlisted") return true;
  if (viewerId === null) return false;
  if (status.accountId === viewerId) return true;
  if (status.mentions.some((m) => m.accountId === viewerId)) return true;
  if (status.visibility === "private") return isFollowing(viewerId, status.accountId);
  return false;
}
