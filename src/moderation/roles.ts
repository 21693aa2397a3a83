import type { Role } from "../generated/prisma/enums.ts";
import { forbidden } from "../errors.ts";

// Staff roles, lowest to highest. Mastodon gives each role a set of
// permissions; Kith keeps its four fixed roles and maps each permission to
// the least role that holds it.

export const ROLES = ["user", "moderator", "admin", "owner"] as const satisfies readonly Role[];

const rank = (role: Role) => ROLES.indexOf(role);

/** Mastodon's permission bits (UserRole::FLAGS), as clients read them from `role.permissions`. */
const FLAGS = {
  administrator: 1 << 0,
  view_devops: 1 << 1,
  view_audit_log: 1 << 2,
  view_dashboard: 1 << 3,
  manage_reports: 1 << 4,
  manage_federation: 1 << 5,
  manage_settings: 1 << 6,
  manage_blocks: 1 << 7,
  manage_taxonomies: 1 << 8,
  manage_appeals: 1 << 9,
  manage_users: 1 << 10,
  manage_invites: 1 << 11,
  manage_rules: 1 << 12,
  manage_announcements: 1 << 13,
  manage_custom_emojis: 1 << 14,
  manage_webhooks: 1 << 15,
  invite_users: 1 << 16,
  manage_roles: 1 << 17,
  manage_user_access: 1 << 18,
  delete_user_data: 1 << 19,
} as const;

export type Permission = keyof typeof FLAGS;

/** The least role holding each permission (Mastodon's default Moderator and Admin presets). */
const LEAST_ROLE: Record<Permission, Role> = {
  invite_users: "user",
  view_dashboard: "moderator",
  view_audit_log: "moderator",
  manage_reports: "moderator",
  manage_users: "moderator",
  manage_taxonomies: "moderator",
  manage_appeals: "moderator",
  manage_invites: "moderator",
  manage_federation: "admin",
  manage_settings: "admin",
  manage_blocks: "admin",
  manage_rules: "admin",
  manage_announcements: "admin",
  manage_custom_emojis: "admin",
  manage_webhooks: "admin",
  manage_roles: "admin",
  manage_user_access: "admin",
  delete_user_data: "admin",
  view_devops: "admin",
  administrator: "owner",
};

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

export function can(role: Role, permission: Permission): boolean {
  return rank(role) >= rank(LEAST_ROLE[permission]);
}

export const isStaff = (role: Role) => rank(role) >= rank("moderator");

/** Refuses (403) a user whose role lacks the permission. */
export function requirePermission(role: Role, permission: Permission): void {
  if (!can(role, permission)) throw forbidden("This action is not allowed");
}

/** Whether `actor` may give or take `role` from someone who has `current` (nobody raises anyone above themselves). */
export function canAssign(actor: Role, current: Role, next: Role): boolean {
  if (actor === "owner") return true;
  return can(actor, "manage_roles") && rank(current) < rank(actor) && rank(next) < rank(actor);
}

/** The role's permission bits as Mastodon's Role entity carries them (a decimal string). */
export function permissionBits(role: Role): string {
  let bits = 0;
  for (const [name, flag] of Object.entries(FLAGS)) if (can(role, name as Permission)) bits |= flag;
  return String(bits >>> 0);
}

/** Mastodon's seeded role ids: everyone is -99, Moderator 1, Admin 2, Owner 3. */
export const ROLE_IDS: Record<Role, string> = { user: "-99", moderator: "1", admin: "2", owner: "3" };
export const ROLE_NAMES: Record<Role, string> = { user: "", moderator: "Moderator", admin: "Admin", owner: "Owner" };
