import type { Account } from "../../src/accounts/account.repository.ts";
import type { Core } from "../../src/core.ts";
import type { Report } from "../../src/moderation/report.repository.ts";
import { serializeAccount } from "./account.ts";

/** What the reporter's Report entity and the admin's Admin::Report share. */
export function reportFields(r: Report) {
  return {
    id: String(r.id),
    action_taken: r.actionTakenAt !== null,
    action_taken_at: r.actionTakenAt?.toISOString() ?? null,
    category: r.category,
    comment: r.comment,
    forwarded: r.forwarded,
    created_at: r.createdAt.toISOString(),
  };
}

/** Mastodon's Report entity, as its reporter sees it. */
export function serializeReport(core: Core, r: Report, target: Account) {
  return {
    ...reportFields(r),
    status_ids: r.statusIds.map(String),
    rule_ids: r.ruleIds.length ? r.ruleIds.map(String) : null,
    target_account: serializeAccount(core, target),
  };
}
