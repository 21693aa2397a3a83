import type { FastifyRequest } from "fastify";
import type { Account } from "../../src/accounts/account.repository.ts";
import type { Core } from "../../src/core.ts";
import type { Role } from "../../src/generated/prisma/enums.ts";
import { requirePermission, type Permission } from "../../src/moderation/roles.ts";
import { requireUser } from "../auth.ts";

export type Staff = { account: Account; role: Role };

/**
 * The admin API's gate, Mastodon's two checks: the token must carry the
 * admin scope (401 without a token, 403 without the scope), and its user's
 * role must hold the permission (403 otherwise).
 */
export async function requireStaff(core: Core, request: FastifyRequest, scope: string, permission: Permission): Promise<Staff> {
  const account = await requireUser(core, request, scope);
  const role = await core.moderation.accounts.roleOf(account.id);
  requirePermission(role, permission);
  return { account, role };
}
