import type { Account } from "../../src/accounts/account.repository.ts";
import type { LocalProfileField } from "../../src/accounts/account.service.ts";
import type { ProfileField } from "../../src/accounts/account.types.ts";
import type { Core } from "../../src/core.ts";
import type { Role } from "../../src/generated/prisma/enums.ts";
import { permissionBits, ROLE_IDS, ROLE_NAMES } from "../../src/moderation/roles.ts";

// Mastodon's Account entity. Wire names live here, not in the domain.

export const NOBODY = Object.freeze({ automatic: [], manual: [], current_user: "denied" });

/** `moved`: the account `a` moved to, when the caller looked it up (movedTargets); Mastodon nests it whole. */
export function serializeAccount(core: Core, a: Account, moved?: Account | null) {
  return { ...accountFields(core, a), ...(a.movedToUri && moved ? { moved: accountFields(core, moved) } : {}) };
}

function accountFields(core: Core, a: Account) {
  const avatar = a.avatarUrl ?? core.urls.missingAvatar();
  const header = a.headerUrl ?? core.urls.missingHeader();
  const fields = ((a.fields as ProfileField[] | null) ?? []).map((f) => ({ name: f.name, value: f.value, verified_at: f.verifiedAt ?? null }));
  return {
    id: String(a.id),
    username: a.username,
    acct: a.domain === null ? a.username : `${a.username}@${a.domain}`,
    display_name: a.displayName,
    locked: a.locked,
    bot: a.bot,
    discoverable: a.discoverable,
    indexable: a.discoverable,
    group: a.actorType === "Group",
    created_at: midnight(a.createdAt),
    note: a.note,
    url: a.url ?? a.uri,
    uri: a.uri,
    avatar,
    avatar_static: avatar,
    avatar_description: "",
    header,
    header_static: header,
    header_description: "",
    followers_count: a.followersCount,
    following_count: a.followingCount,
    statuses_count: a.statusesCount,
    last_status_at: a.lastStatusAt ? a.lastStatusAt.toISOString().slice(0, 10) : null,
    hide_collections: false,
    noindex: !a.discoverable,
    show_media: true,
    show_media_replies: true,
    show_featured: true,
    // Kith has no endorsements or quote posts yet: nobody may feature or quote.
    feature_approval: NOBODY,
    emojis: [],
    roles: [],
    fields,
  };
}

/** The accounts these moved to, by URI: what `moved` shows, for the ones that point somewhere known. */
export async function movedTargets(core: Core, accounts: Account[]): Promise<Map<string, Account>> {
  const uris = [...new Set(accounts.flatMap((a) => (a.movedToUri ? [a.movedToUri] : [])))];
  return new Map((uris.length ? await core.accounts.findByUris(uris) : []).map((a) => [a.uri, a]));
}

/** One account with where it moved, as the single-account endpoints show it. */
export async function serializeAccountWithMove(core: Core, a: Account) {
  return serializeAccount(core, a, a.movedToUri ? await core.accounts.findByUri(a.movedToUri) : null);
}

/** Mastodon rounds account creation to the day, so accounts cannot be timed to the second. */
function midnight(d: Date): string {
  const day = new Date(d);
  day.setUTCHours(0, 0, 0, 0);
  return day.toISOString();
}

/** Mastodon's Role entity: apps show their moderation menus from its permission bits. */
function roleEntity(role: Role) {
  return { id: ROLE_IDS[role], name: ROLE_NAMES[role], permissions: permissionBits(role), color: "", highlighted: role !== "user" };
}

export function serializeCredentialAccount(core: Core, a: Account, followRequests: number, role: Role = "user", moved: Account | null = null) {
  const base = serializeAccount(core, a, moved);
  return {
    ...base,
    source: {
      privacy: "public",
      sensitive: false,
      language: null,
      // What the owner typed; accounts that never saved since noteSource came get their HTML stripped.
      note: a.noteSource || a.note.replace(/<br\s*\/?>/g, "\n").replace(/<[^>]+>/g, ""),
      fields: ((a.fields as LocalProfileField[] | null) ?? []).map((f) => ({ name: f.name, value: f.source ?? f.value, verified_at: f.verifiedAt ?? null })),
      follow_requests_count: followRequests,
      hide_collections: false,
      discoverable: a.discoverable,
      indexable: a.discoverable,
    },
    role: roleEntity(role),
  };
}

/** What the viewer keeps to itself about an account: its active mute, a domain block, a note. */
export type PrivateRelationship = { mute?: { notifications: boolean; expiresAt: Date | null } | null; domainBlocking?: boolean; note?: string };

export function serializeRelationship(r: Awaited<ReturnType<Core["follows"]["relationships"]>>[number], own: PrivateRelationship = {}) {
  const { mute } = own;
  return {
    id: String(r.id),
    following: r.following,
    showing_reblogs: r.showingReblogs,
    notifying: r.notifying,
    languages: null,
    followed_by: r.followedBy,
    blocking: r.blocking,
    blocked_by: r.blockedBy,
    muting: Boolean(mute),
    muting_expires_at: mute?.expiresAt?.toISOString() ?? null,
    muting_notifications: mute?.notifications ?? false,
    requested: r.requested,
    requested_by: r.requestedBy,
    domain_blocking: own.domainBlocking ?? false,
    endorsed: false,
    note: own.note ?? "",
  };
}
