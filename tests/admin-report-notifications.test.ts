import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventStreamClient, isOpen } from "./helpers/event-stream-client.ts";
import { readFixture } from "./helpers/fixtures.ts";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";
import { RemoteServer, type Json, type RemoteActor } from "./helpers/remote-actor.ts";
import { clientOf, type Call } from "./helpers/timeline-client.ts";
import { waitFor } from "./helpers/wait.ts";

// admin.report notifications carry their report, as Mastodon's do: a Report
// entity under `report` in v1 notifications, in v2 notification groups and in
// the streaming `notification` event, for reports filed here and for Flags
// from other servers. Only staff get them; a resolved report keeps its
// notification (Mastodon), a deleted one takes it away.

/** Mastodon's Report entity, key for key (docs.joinmastodon.org/entities/Report). */
const REPORT_KEYS = ["id", "action_taken", "action_taken_at", "category", "comment", "forwarded", "created_at", "status_ids", "rule_ids", "target_account"];
const STAFF_SCOPES = ["read", "write", "follow", "admin:read", "admin:write"];

let kith: InProcess;
let call: Call;
let R: RemoteServer;
let rActor: RemoteActor; // R's instance actor: Mastodon sends Flags from it
type User = { id: string; token: string; uri: string };
let mod: User;
let admin: User;
let rita: User; // files the reports
let tom: User;
let olga: User;
let tomPost: string;

async function user(username: string, role: "moderator" | "admin" | "user" = "user"): Promise<User> {
  const a = await kith.core.accounts.createLocal(username);
  if (role !== "user") await kith.core.moderation.accounts.setRole(null, a.id, role);
  return { id: String(a.id), uri: a.uri, token: await kith.core.tokens.issue(a.id, role === "user" ? undefined : STAFF_SCOPES) };
}

const reportNotes = async (who: User) => (await call("GET", "/api/v1/notifications?types[]=admin.report", { token: who.token })).body as any[];
const noteAbout = async (who: User, reportId: string) => (await reportNotes(who)).find((n) => n.report?.id === reportId);
const unread = async (who: User) => (await call("GET", "/api/v1/notifications/unread_count?types[]=admin.report", { token: who.token })).body.count as number;

async function fileReport(by: User, body: Record<string, unknown>) {
  const res = await call("POST", "/api/v1/reports", { token: by.token, body });
  expect(res.status).toBe(200);
  return res.body;
}

const flag = (objects: string[], content: string): Json => ({
  ...readFixture("mastodon/ap-flag.json"),
  id: R.uniqueId("/flags"),
  actor: rActor.id,
  object: objects,
  content,
  to: objects[0],
});

beforeAll(async () => {
  [kith, R] = await Promise.all([startInProcess("admin_report_notes"), RemoteServer.start()]);
  call = clientOf(kith);
  rActor = R.addActor("actor", { type: "Application" });
  mod = await user("mod", "moderator");
  admin = await user("adm", "admin");
  rita = await user("rita");
  tom = await user("tom");
  olga = await user("olga");
  tomPost = (await call("POST", "/api/v1/statuses", { token: tom.token, body: { status: "buy my stuff" } })).body.id;
}, 60_000);

afterAll(async () => {
  await Promise.all([kith?.destroy(), R?.close()]);
});

describe("a report filed here", () => {
  let filed: any;

  it("notifies every moderator with the report, key for key as Mastodon's Report entity", async () => {
    filed = await fileReport(rita, { account_id: tom.id, status_ids: [tomPost], comment: "spam!", category: "spam" });
    for (const staff of [mod, admin]) {
      const notes = await reportNotes(staff);
      expect(notes).toHaveLength(1);
      expect(notes[0]).toMatchObject({ type: "admin.report", account: { id: rita.id } });
      expect(Object.keys(notes[0].report)).toEqual(REPORT_KEYS);
      expect(notes[0].report).toEqual(filed);
    }
    expect(filed).toMatchObject({ action_taken: false, action_taken_at: null, category: "spam", comment: "spam!", forwarded: false, status_ids: [tomPost], rule_ids: null });
    const [note] = await reportNotes(mod);
    expect(note.report.target_account).toEqual((await call("GET", `/api/v1/accounts/${tom.id}`, { token: mod.token })).body);
    expect((await call("GET", `/api/v1/notifications/${note.id}`, { token: mod.token })).body.report).toEqual(filed);
  });

  it("notifies each moderator once per report, however often the core is told (NULL statuses never collide, the report key does)", async () => {
    const [note] = await reportNotes(mod);
    await kith.core.notifications.reportFiled({ id: BigInt(mod.id), domain: null }, { id: BigInt(filed.id), accountId: BigInt(rita.id) });
    expect((await reportNotes(mod)).map((n) => n.id)).toEqual([note.id]);
  });

  it("v2 puts the report on the notification group", async () => {
    const [note] = await reportNotes(mod);
    const page = (await call("GET", "/api/v2/notifications?types[]=admin.report", { token: mod.token })).body;
    expect(page.notification_groups).toHaveLength(1);
    const [group] = page.notification_groups;
    expect(group).toMatchObject({ group_key: `ungrouped-${note.id}`, type: "admin.report", notifications_count: 1, most_recent_notification_id: note.id, sample_account_ids: [rita.id] });
    expect(group).not.toHaveProperty("status_id");
    expect(group.report).toEqual(filed);
    expect(page.accounts.map((a: any) => a.id)).toEqual([rita.id]);
    // Even when the client asks for admin.report to be grouped, each report is its own group.
    const asked = (await call("GET", "/api/v2/notifications?types[]=admin.report&grouped_types[]=admin.report", { token: mod.token })).body;
    expect(asked.notification_groups.map((g: any) => g.report.id)).toEqual([filed.id]);
    const one = (await call("GET", `/api/v2/notifications/${group.group_key}`, { token: mod.token })).body;
    expect(one.notification_groups[0].report).toEqual(filed);
  });

  it("is never shown to a regular user", async () => {
    for (const who of [rita, tom, olga]) {
      expect((await call("GET", "/api/v1/notifications", { token: who.token })).body.map((n: any) => n.type)).not.toContain("admin.report");
      expect(await reportNotes(who)).toEqual([]);
      expect((await call("GET", "/api/v2/notifications", { token: who.token })).body.notification_groups.map((g: any) => g.type)).not.toContain("admin.report");
      expect(await unread(who)).toBe(0);
    }
  });

  it("each report notifies, two from one reporter too; not while an earlier report about the account is open (Mastodon)", async () => {
    const second = await fileReport(rita, { account_id: olga.id, comment: "rude" });
    expect((await reportNotes(mod)).map((n) => n.report.id)).toEqual([second.id, filed.id]);
    expect((await noteAbout(mod, second.id)).report.target_account.id).toBe(olga.id);

    // Tom's first report is still open: moderators are on it already.
    const again = await fileReport(olga, { account_id: tom.id, comment: "still spamming" });
    expect(await noteAbout(mod, again.id)).toBeUndefined();
    expect(await reportNotes(mod)).toHaveLength(2);

    // Once the reports about him are answered, a new one notifies again.
    for (const id of [filed.id, again.id]) expect((await call("POST", `/api/v1/admin/reports/${id}/resolve`, { token: mod.token })).status).toBe(200);
    const later = await fileReport(olga, { account_id: tom.id, comment: "back at it" });
    expect((await noteAbout(mod, later.id)).report).toEqual(later);
  });

  it("keeps its notification once resolved, which then shows the report resolved (Mastodon)", async () => {
    const note = await noteAbout(mod, filed.id);
    expect(note.report).toMatchObject({ action_taken: true, action_taken_at: expect.any(String) });
    expect(note.report).toEqual((await call("GET", `/api/v1/notifications/${note.id}`, { token: mod.token })).body.report);
  });

  it("goes with the report: deleting the account it is about deletes both", async () => {
    const spammer = await user("spammer");
    const report = await fileReport(rita, { account_id: spammer.id, comment: "bot" });
    const note = await noteAbout(mod, report.id);
    expect(note).toBeDefined();
    const before = await unread(mod);
    const act = await call("POST", `/api/v1/admin/accounts/${spammer.id}/action`, { token: admin.token, body: { type: "suspend", report_id: report.id } });
    expect(act.status).toBe(200);
    expect((await noteAbout(mod, report.id)).report.action_taken).toBe(true);

    expect((await call("DELETE", `/api/v1/admin/accounts/${spammer.id}`, { token: admin.token })).status).toBe(200);
    expect((await call("GET", `/api/v1/admin/reports/${report.id}`, { token: mod.token })).status).toBe(404);
    expect(await noteAbout(mod, report.id)).toBeUndefined();
    expect((await call("GET", `/api/v1/notifications/${note.id}`, { token: mod.token })).status).toBe(404);
    // The row is gone, not just hidden: the unread count drops with it.
    expect(await unread(mod)).toBe(before - 1);
  });
});

describe("a Flag from another server", () => {
  it("notifies moderators with the report it became, filed by the remote actor", async () => {
    const lena = await user("lena");
    const post = (await call("POST", "/api/v1/statuses", { token: lena.token, body: { status: "a post someone will report" } })).body;
    expect((await R.deliver(`${kith.core.urls.origin}/inbox`, flag([lena.uri, post.uri], "Please take a look"))).status).toBe(202);
    const note = await waitFor(async () => (await reportNotes(mod)).find((n) => n.report.target_account.id === lena.id), "the Flag's admin.report notification");
    expect(note.account.acct).toBe(rActor.acct);
    expect(Object.keys(note.report)).toEqual(REPORT_KEYS);
    expect(note.report).toMatchObject({ action_taken: false, action_taken_at: null, category: "other", comment: "Please take a look", forwarded: false, status_ids: [post.id], rule_ids: null });
    const [stored] = await kith.core.moderation.reports.list({ targetAccountId: BigInt(lena.id) }, { limit: 40 });
    expect(note.report.id).toBe(String(stored!.id));
    expect(note.report.target_account).toEqual((await call("GET", `/api/v1/accounts/${lena.id}`, { token: mod.token })).body);
  });

  it("naming two accounts files two reports, and each notifies with its own", async () => {
    const [nina, otto] = [await user("nina"), await user("otto")];
    expect((await R.deliver(`${kith.core.urls.origin}/inbox`, flag([nina.uri, otto.uri], "both of them"))).status).toBe(202);
    const notes = await waitFor(async () => {
      const found = (await reportNotes(mod)).filter((n) => n.report.comment === "both of them");
      return found.length === 2 ? found : null;
    }, "two admin.report notifications for the Flag");
    expect(notes.map((n) => n.report.target_account.id).sort()).toEqual([nina.id, otto.id].sort());
    expect(new Set(notes.map((n) => n.report.id)).size).toBe(2);
    expect(notes.every((n) => n.account.acct === rActor.acct)).toBe(true);
  });
});

describe("the streaming API", () => {
  it("the `notification` event carries the report", async () => {
    const stream = await EventStreamClient.open(`${kith.core.config.publicUrl.origin}/api/v1/streaming/user/notification`, { authorization: `Bearer ${mod.token}` });
    if (!isOpen(stream)) throw new Error(`the stream was refused: ${stream.status}`);
    try {
      const streamed = await user("streamed");
      const report = await fileReport(rita, { account_id: streamed.id, comment: "live" });
      const event = await stream.next((e) => e.event === "notification" && JSON.parse(e.data).type === "admin.report", "the admin.report notification event");
      const entity = JSON.parse(event.data);
      expect(Object.keys(entity.report)).toEqual(REPORT_KEYS);
      expect(entity.report).toEqual(report);
      expect(entity).toEqual(await noteAbout(mod, report.id));
    } finally {
      stream.close();
    }
  });
});
