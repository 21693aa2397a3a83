import type { Account } from "../../src/accounts/account.repository.ts";
import type { Core } from "../../src/core.ts";
import { movedTargets, serializeAccount } from "./account.ts";
import { serializeReport } from "./report.ts";
import { serializeTimeline } from "./timeline.ts";

type Row = Awaited<ReturnType<Core["notifications"]["list"]>>[number];

/** admin.report notifications carry their report (Mastodon's `report`, a Report entity). */
const carriesReport = (r: Row) => r.type === "admin.report";

/** The Report entities of a page's admin.report notifications, by report id. */
async function reportsOf(core: Core, rows: Row[]) {
  const ids = [...new Set(rows.flatMap((r) => (carriesReport(r) && r.reportId !== null ? [r.reportId] : [])))];
  const reports = await core.moderation.reports.findByIds(ids);
  const targets = new Map((await core.accounts.findByIds([...new Set(reports.map((r) => r.targetAccountId))])).map((a) => [a.id, a]));
  return new Map(reports.map((r) => [String(r.id), serializeReport(core, r, targets.get(r.targetAccountId)!)]));
}

/**
 * The accounts, statuses and reports a page of notifications refers to,
 * loaded in batches; statuses pass through the viewer's "notifications"
 * filters, and a notification whose status a filter hides, or whose report
 * is gone, is dropped.
 */
async function referenced(core: Core, rows: Row[], viewerId: bigint) {
  const accounts = new Map((await core.accounts.findByIds([...new Set(rows.map((r) => r.fromAccountId))])).map((a) => [a.id, a]));
  const statusIds = [...new Set(rows.flatMap((r) => (r.statusId ? [r.statusId] : [])))];
  const statuses = new Map((await serializeTimeline(core, await core.statuses.findByIds(statusIds), viewerId, "notifications")).map((s) => [s.id as string, s]));
  const reports = await reportsOf(core, rows);
  // A `move` notification is read by its account's `moved`: where the account went.
  const moved = await movedTargets(core, [...accounts.values()]);
  const accountEntity = (a: Account) => serializeAccount(core, a, a.movedToUri ? moved.get(a.movedToUri) : null);
  const shown = rows.filter((r) => {
    const from = accounts.get(r.fromAccountId);
    return from && !from.suspendedAt && (!r.statusId || statuses.has(String(r.statusId))) && (!carriesReport(r) || reports.has(String(r.reportId)));
  });
  /** The `report` of a notification (or group) that carries one. */
  const report = (r: Row) => (carriesReport(r) ? { report: reports.get(String(r.reportId))! } : {});
  return { accounts, statuses, shown, report, accountEntity };
}

/** Mastodon's Notification entities (API v1). */
export async function serializeNotifications(core: Core, rows: Row[], viewerId: bigint) {
  const { accounts, statuses, shown, report, accountEntity } = await referenced(core, rows, viewerId);
  return shown.map((r) => ({
    id: String(r.id),
    type: r.type,
    group_key: core.notifications.groupKey(r),
    created_at: r.createdAt.toISOString(),
    account: accountEntity(accounts.get(r.fromAccountId)!),
    ...(r.statusId ? { status: statuses.get(String(r.statusId)) } : {}),
    ...report(r),
  }));
}

/** One Notification entity (for the streaming API), or null if the viewer must not see it. */
export async function serializeNotification(core: Core, row: Row, viewerId: bigint) {
  return (await serializeNotifications(core, [row], viewerId))[0] ?? null;
}

/**
 * Mastodon's grouped notifications (API v2) for one page: notifications that
 * share a group key fold into one group, newest first, with the accounts
 * and statuses they refer to listed once (a report is the group's own).
 */
export async function serializeGroupedNotifications(core: Core, rows: Row[], viewerId: bigint, groupedTypes: Set<string>) {
  const { accounts, statuses, shown, report, accountEntity } = await referenced(core, rows, viewerId);
  const groups = new Map<string, Row[]>();
  for (const r of shown) {
    const key = groupedTypes.has(r.type) ? core.notifications.groupKey(r) : `ungrouped-${r.id}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const used = new Map<bigint, Account>();
  const notificationGroups = [...groups].map(([key, members]) => {
    const newest = members[0]!;
    const sample = [...new Set(members.map((m) => m.fromAccountId))].slice(0, 8);
    for (const id of sample) used.set(id, accounts.get(id)!);
    return {
      group_key: key,
      notifications_count: members.length,
      type: newest.type,
      most_recent_notification_id: String(newest.id),
      page_min_id: String(members.at(-1)!.id),
      page_max_id: String(newest.id),
      latest_page_notification_at: newest.createdAt.toISOString(),
      sample_account_ids: sample.map(String),
      ...(newest.statusId ? { status_id: String(newest.statusId) } : {}),
      ...report(newest),
    };
  });
  const statusIds = new Set(shown.flatMap((r) => (r.statusId ? [String(r.statusId)] : [])));
  return {
    accounts: [...used.values()].map(accountEntity),
    statuses: [...statusIds].map((id) => statuses.get(id)!),
    notification_groups: notificationGroups,
  };
}
