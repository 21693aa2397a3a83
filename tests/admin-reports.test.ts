import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";

// Reports: POST /api/v1/reports by local users, the admin report API, and
// the admin.report notification moderators get. Refusals change nothing.

let kith: InProcess;
const ADMIN = ["read", "write", "follow", "admin:read", "admin:write"];
let mod: { id: string; token: string };
let admin: { id: string; token: string };
let reporter: { id: string; token: string };
let readOnly: string;
let target: { id: string; token: string };
let other: { id: string; token: string };
let targetPost: string;
let otherPost: string;
let ruleId: string;

const call = async (method: string, url: string, token?: string | null, body?: unknown) => {
  const res = await kith.app!.inject({
    method: method as "GET",
    url,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    payload: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : null };
};

async function user(username: string, role: "moderator" | "admin" | "user", scopes = ADMIN) {
  const a = await kith.core.accounts.createLocal(username);
  if (role !== "user") await kith.core.moderation.accounts.setRole(null, a.id, role);
  return { id: String(a.id), token: await kith.core.tokens.issue(a.id, scopes) };
}
const openReports = async () => (await call("GET", "/api/v1/admin/reports", mod.token)).body as any[];
const reportNotifications = async (token: string) => ((await call("GET", "/api/v1/notifications", token)).body as any[]).filter((n) => n.type === "admin.report");

beforeAll(async () => {
  kith = await startInProcess("admin_reports");
  mod = await user("mod", "moderator");
  admin = await user("adm", "admin");
  reporter = await user("rita", "user", ["read", "write"]);
  readOnly = await kith.core.tokens.issue(BigInt(reporter.id), ["read"]);
  target = await user("tom", "user", ["read", "write"]);
  other = await user("olga", "user", ["read", "write"]);
  targetPost = (await call("POST", "/api/v1/statuses", target.token, { status: "buy my stuff" })).body.id;
  otherPost = (await call("POST", "/api/v1/statuses", other.token, { status: "innocent" })).body.id;
  ruleId = String((await kith.core.rules.add({ text: "No spam" })).id);
}, 60_000);

afterAll(async () => kith?.destroy());

describe("POST /api/v1/reports", () => {
  it("refuses bad input with 403/404/422 and files nothing", async () => {
    const cases: [string | null, unknown, number][] = [
      [readOnly, { account_id: target.id }, 403],
      [null, { account_id: target.id }, 401],
      [reporter.token, { account_id: "999999999" }, 404],
      [reporter.token, { account_id: target.id, status_ids: [otherPost] }, 404],
      [reporter.token, { account_id: target.id, comment: "x".repeat(1001) }, 422],
      [reporter.token, { account_id: target.id, category: "rude" }, 422],
      [reporter.token, { account_id: target.id, rule_ids: ["123"] }, 422],
      [reporter.token, { account_id: target.id, category: "violation" }, 422],
      [reporter.token, { account_id: reporter.id }, 422],
      [reporter.token, {}, 422],
    ];
    for (const [token, body, status] of cases) {
      const res = await call("POST", "/api/v1/reports", token, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.error).toEqual(expect.any(String));
    }
    expect(await openReports()).toEqual([]);
    expect(await reportNotifications(mod.token)).toEqual([]);
  });

  it("files a report, and moderators hear of it", async () => {
    const res = await call("POST", "/api/v1/reports", reporter.token, { account_id: target.id, status_ids: [targetPost], comment: "spam!", category: "spam", forward: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      action_taken: false,
      action_taken_at: null,
      category: "spam",
      comment: "spam!",
      // A local target has no other server to forward to.
      forwarded: false,
      status_ids: [targetPost],
      rule_ids: null,
      target_account: { id: target.id, username: "tom" },
    });
    for (const staff of [mod, admin]) {
      const notes = await reportNotifications(staff.token);
      expect(notes).toHaveLength(1);
      expect(notes[0].account.id).toBe(reporter.id);
    }
    expect(await reportNotifications(other.token)).toEqual([]);
  });

  it("naming rules makes it a violation report", async () => {
    const res = await call("POST", "/api/v1/reports", reporter.token, { account_id: other.id, rule_ids: [ruleId], category: "other" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ category: "violation", rule_ids: [ruleId] });
  });
});

describe("the admin report API", () => {
  let reportId: string;
  it("403 for users and for tokens without admin scopes", async () => {
    expect((await call("GET", "/api/v1/admin/reports", target.token)).status).toBe(403);
    const scoped = await kith.core.tokens.issue(BigInt(other.id), ADMIN);
    expect((await call("GET", "/api/v1/admin/reports", scoped)).status).toBe(403);
  });

  it("lists open reports with Admin::Report entities", async () => {
    const list = await openReports();
    expect(list).toHaveLength(2);
    const report = list.find((r) => r.target_account.id === target.id);
    reportId = report.id;
    expect(report).toMatchObject({
      action_taken: false,
      category: "spam",
      comment: "spam!",
      account: { id: reporter.id, username: "rita", account: { acct: "rita" } },
      target_account: { id: target.id, username: "tom" },
      assigned_account: null,
      action_taken_by_account: null,
      rules: [],
    });
    expect(report.statuses.map((s: any) => s.id)).toEqual([targetPost]);
    const violation = list.find((r) => r.target_account.id === other.id);
    expect(violation.rules).toEqual([{ id: ruleId, text: "No spam", hint: "", translations: {} }]);
    expect((await call("GET", `/api/v1/admin/reports?target_account_id=${other.id}`, mod.token)).body).toHaveLength(1);
  });

  it("assigns, unassigns, resolves and reopens", async () => {
    const assigned = await call("POST", `/api/v1/admin/reports/${reportId}/assign_to_self`, mod.token);
    expect(assigned.body.assigned_account.id).toBe(mod.id);
    expect((await call("POST", `/api/v1/admin/reports/${reportId}/unassign`, mod.token)).body.assigned_account).toBeNull();
    const resolved = await call("POST", `/api/v1/admin/reports/${reportId}/resolve`, mod.token);
    expect(resolved.body).toMatchObject({ action_taken: true, action_taken_by_account: { id: mod.id } });
    expect((await openReports()).map((r) => r.id)).not.toContain(reportId);
    expect((await call("GET", "/api/v1/admin/reports?resolved=true", mod.token)).body.map((r: any) => r.id)).toEqual([reportId]);
    const reopened = await call("POST", `/api/v1/admin/reports/${reportId}/reopen`, mod.token);
    expect(reopened.body).toMatchObject({ action_taken: false, action_taken_at: null });
  });

  it("404 for bad report ids; a read-only token cannot resolve", async () => {
    for (const id of ["x1", "999999999"]) {
      expect((await call("GET", `/api/v1/admin/reports/${id}`, mod.token)).status).toBe(404);
      expect((await call("POST", `/api/v1/admin/reports/${id}/resolve`, mod.token)).status).toBe(404);
    }
    const ro = await kith.core.tokens.issue(BigInt(mod.id), ["admin:read"]);
    expect((await call("POST", `/api/v1/admin/reports/${reportId}/resolve`, ro)).status).toBe(403);
    expect((await call("GET", `/api/v1/admin/reports/${reportId}`, mod.token)).body.action_taken).toBe(false);
  });

  it("an action on the account answers its open reports; a report about someone else is refused", async () => {
    const wrong = await call("POST", `/api/v1/admin/accounts/${other.id}/action`, mod.token, { type: "silence", report_id: reportId });
    expect(wrong.status).toBe(422);
    expect((await call("GET", `/api/v1/admin/accounts/${other.id}`, mod.token)).body.silenced).toBe(false);
    const res = await call("POST", `/api/v1/admin/accounts/${target.id}/action`, mod.token, { type: "silence", report_id: reportId });
    expect(res.status).toBe(200);
    expect((await call("GET", `/api/v1/admin/reports/${reportId}`, mod.token)).body).toMatchObject({ action_taken: true, action_taken_by_account: { id: mod.id } });
  });

  it("action none with a report resolves just that report", async () => {
    const open = (await openReports()).find((r) => r.target_account.id === other.id);
    const res = await call("POST", `/api/v1/admin/accounts/${other.id}/action`, mod.token, { type: "none", report_id: open.id });
    expect(res.status).toBe(200);
    expect(await openReports()).toEqual([]);
    expect((await call("GET", `/api/v1/admin/accounts/${other.id}`, mod.token)).body).toMatchObject({ silenced: false, suspended: false });
  });
});
