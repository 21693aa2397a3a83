import type { Core } from "../../src/core.ts";
import type { Rule } from "../../src/instance/rule.repository.ts";
import type { AccountWithUser } from "../../src/moderation/account-moderation.repository.ts";
import type { DomainAllow, DomainBlock } from "../../src/moderation/domain-block.repository.ts";
import { domainDigest } from "../../src/moderation/domains.ts";
import type { Report } from "../../src/moderation/report.repository.ts";
import { permissionBits, ROLE_IDS, ROLE_NAMES } from "../../src/moderation/roles.ts";
import type { Role } from "../../src/generated/prisma/enums.ts";
import { serializeAccount } from "../serializers/account.ts";
import { reportFields } from "../serializers/report.ts";
import { serializeRule } from "../serializers/rule.ts";
import { serializeStatuses } from "../serializers/status.ts";

// Mastodon's admin entities: Admin::Account, Admin::Report, Admin::DomainBlock,
// Admin::DomainAllow, Admin::CanonicalEmailBlock.

export function serializeRole(role: Role) {
  return { id: ROLE_IDS[role], name: ROLE_NAMES[role], color: "", permissions: permissionBits(role), highlighted: role !== "user" };
}

export function serializeAdminAccount(core: Core, a: AccountWithUser) {
  const user = a.user;
  return {
    id: String(a.id),
    username: a.username,
    domain: a.domain,
    created_at: (user?.createdAt ?? a.createdAt).toISOString(),
    email: user?.email ?? null,
    ip: null,
    ips: [],
    locale: user?.locale ?? null,
    invite_request: user?.reason ?? null,
    role: serializeRole(user?.role ?? "user"),
    confirmed: true,
    approved: user ? user.approved : true,
    disabled: Boolean(user?.disabledAt),
    silenced: a.silencedAt !== null,
    suspended: a.suspendedAt !== null,
    sensitized: a.sensitizedAt !== null,
    account: serializeAccount(core, a),
    ...(user?.inviteId ? { invite_id: String(user.inviteId) } : {}),
  };
}

/** Admin::Report entities for a page, with every account and post they name fetched once. */
export async function serializeAdminReports(core: Core, reports: Report[]) {
  const accountIds = new Set<bigint>();
  for (const r of reports) for (const id of [r.accountId, r.targetAccountId, r.assignedToId, r.actionTakenById]) if (id !== null) accountIds.add(id);
  const accounts = new Map((await core.moderation.accounts.findByIds([...accountIds])).map((a) => [a.id, a]));
  const statuses = new Map(
    (await serializeStatuses(core, await core.statuses.findByIds([...new Set(reports.flatMap((r) => r.statusIds))]), null)).map((s) => [s.id as string, s]),
  );
  const rules = new Map((await core.rules.findByIds([...new Set(reports.flatMap((r) => r.ruleIds))])).map((r) => [r.id, r]));
  const account = (id: bigint | null) => {
    const a = id === null ? undefined : accounts.get(id);
    return a ? serializeAdminAccount(core, a) : null;
  };
  return reports.map((r) => ({
    ...reportFields(r),
    updated_at: r.updatedAt.toISOString(),
    account: account(r.accountId),
    target_account: account(r.targetAccountId),
    assigned_account: account(r.assignedToId),
    action_taken_by_account: account(r.actionTakenById),
    statuses: r.statusIds.flatMap((id) => statuses.get(String(id)) ?? []),
    rules: r.ruleIds.flatMap((id) => {
      const rule = rules.get(id);
      return rule ? [serializeRule(rule as Rule)] : [];
    }),
  }));
}

export function serializeDomainBlock(b: DomainBlock) {
  return {
    id: String(b.id),
    domain: b.domain,
    digest: domainDigest(b.domain),
    created_at: b.createdAt.toISOString(),
    severity: b.severity,
    reject_media: b.rejectMedia,
    reject_reports: b.rejectReports,
    private_comment: b.privateComment,
    public_comment: b.publicComment,
    obfuscate: b.obfuscate,
  };
}

export function serializeDomainAllow(a: DomainAllow) {
  return { id: String(a.id), domain: a.domain, created_at: a.createdAt.toISOString() };
}

export function serializeEmailBlock(b: { id: bigint; canonicalEmailHash: string }) {
  return { id: String(b.id), canonical_email_hash: b.canonicalEmailHash };
}
