import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.ts";
import { KithInstance, type TestAccount } from "./helpers/instance.ts";
import { QueueWatch } from "./helpers/queues.ts";
import { waitFor } from "./helpers/wait.ts";

// Moderation between two real Kith instances on loopback ports: a report
// forwarded as a Flag, a local suspension federated as Delete{Person}, and a
// domain block (suspend) that severs follows and stops delivery both ways
// (last, since it severs the follows the other cases rely on).

let A: KithInstance;
let B: KithInstance;
let alice: TestAccount; // @A, an admin there
let carol: TestAccount; // @A, to be suspended
let bob: TestAccount; // @B
let dave: TestAccount; // @B, a moderator there
let aliceAdmin: string; // alice's token with admin scopes
let daveAdmin: string;
let bobOnA: string;
let aliceOnB: string;
let carolOnB: string;
const queues = new QueueWatch();

const ADMIN_SCOPES = "read write follow admin:read admin:write";

async function staffToken(instance: KithInstance, username: string, role: string): Promise<string> {
  expect((await runCli(instance.env, ["accounts", "role", username, role])).code).toBe(0);
  const issued = await runCli(instance.env, ["accounts", "token", username, "--scopes", ADMIN_SCOPES]);
  expect(issued.code).toBe(0);
  return issued.json.access_token;
}

const notifications = async (i: KithInstance, token: string, type: string) => ((await i.api(token, "GET", `/api/v1/notifications?types[]=${type}`)).body as any[]).filter((n) => n.type === type);
const relationship = async (i: KithInstance, token: string, id: string) => (await i.api(token, "GET", `/api/v1/accounts/relationships?id[]=${id}`)).body[0];
const statusOn = async (i: KithInstance, token: string, uri: string) => (await i.api(token, "GET", `/api/v2/search?q=${encodeURIComponent(uri)}&type=statuses`)).body.statuses?.[0] ?? null;
const bothIdle = async () => (await queues.idle(A)) && (await queues.idle(B));

beforeAll(async () => {
  [A, B] = await Promise.all([KithInstance.create("mod_fed_a"), KithInstance.create("mod_fed_b")]);
  await Promise.all([A.start(), B.start()]);
  [alice, carol, bob, dave] = await Promise.all([A.createAccount("alice"), A.createAccount("carol"), B.createAccount("bob"), B.createAccount("dave")]);
  [aliceAdmin, daveAdmin] = await Promise.all([staffToken(A, "alice", "admin"), staffToken(B, "dave", "moderator")]);
  bobOnA = await A.resolve(alice.token, bob.acct);
  aliceOnB = await B.resolve(bob.token, alice.acct);
  carolOnB = await B.resolve(bob.token, carol.acct);
  await A.api(alice.token, "POST", `/api/v1/accounts/${bobOnA}/follow`);
  await B.api(bob.token, "POST", `/api/v1/accounts/${aliceOnB}/follow`);
  await B.api(bob.token, "POST", `/api/v1/accounts/${carolOnB}/follow`);
  await waitFor(async () => (await relationship(A, alice.token, bobOnA))?.following, "alice to follow bob");
  await waitFor(async () => (await relationship(B, bob.token, aliceOnB))?.following, "bob to follow alice");
  await waitFor(async () => (await relationship(B, bob.token, carolOnB))?.following, "bob to follow carol");
}, 180_000);

afterAll(async () => {
  await queues.close();
  await Promise.all([A?.destroy(), B?.destroy()]);
});

describe("a report forwarded to the reported account's server", () => {
  it("arrives on B as a Flag from A's instance actor and becomes a report there", async () => {
    const post = (await B.api(bob.token, "POST", "/api/v1/statuses", { status: "totally legit offer" })).body;
    const postOnA = await waitFor(async () => statusOn(A, alice.token, post.uri), "bob's post on A");
    const filed = await A.api(alice.token, "POST", "/api/v1/reports", { account_id: bobOnA, status_ids: [postOnA.id], comment: "scam", category: "spam", forward: true });
    expect(filed.status).toBe(200);
    expect(filed.body).toMatchObject({ forwarded: true, category: "spam", target_account: { acct: bob.acct } });

    // On A: the report is there for A's staff.
    const onA = (await A.api(aliceAdmin, "GET", "/api/v1/admin/reports")).body;
    expect(onA.map((r: any) => r.id)).toContain(filed.body.id);

    // On B: a report about bob, with his post, filed by A's instance actor; B's moderator is notified.
    const report = await waitFor(async () => ((await B.api(daveAdmin, "GET", "/api/v1/admin/reports")).body as any[]).find((r) => r.comment === "scam"), "the Flag to become a report on B");
    expect(report.target_account.username).toBe("bob");
    expect(report.account.account.acct).toBe(`instance.actor@${A.host}`);
    expect(report.statuses.map((s: any) => s.id)).toEqual([post.id]);
    const notes = await waitFor(async () => (await notifications(B, dave.token, "admin.report")).length ? notifications(B, dave.token, "admin.report") : null, "dave's admin.report notification");
    expect(notes[0].account.acct).toBe(`instance.actor@${A.host}`);
    // The reporter stays anonymous to B.
    expect(JSON.stringify(report)).not.toContain("alice");
  });
});

describe("suspending a local account", () => {
  it("federates Delete{Person} to its followers' servers; unsuspending restores it locally", async () => {
    const carolOnA = (await A.api(carol.token, "GET", "/api/v1/accounts/verify_credentials")).body.id;
    const res = await A.api(aliceAdmin, "POST", `/api/v1/admin/accounts/${carolOnA}/action`, { type: "suspend" });
    expect(res.status).toBe(200);
    await waitFor(async () => (await B.api(bob.token, "GET", `/api/v1/accounts/${carolOnB}`)).status === 404, "carol to be gone on B");
    expect((await A.api(carol.token, "GET", "/api/v1/accounts/verify_credentials")).status).toBe(401);

    const back = await A.api(aliceAdmin, "POST", `/api/v1/admin/accounts/${carolOnA}/unsuspend`);
    expect(back.body.suspended).toBe(false);
    expect((await A.api(carol.token, "GET", "/api/v1/accounts/verify_credentials")).status).toBe(200);
    // Her follower on B is still hers on A: the data was kept.
    expect((await A.api(carol.token, "GET", "/api/v1/accounts/verify_credentials")).body.followers_count).toBe(1);
    // And B, told by the Update{Person} that follows unsuspension, shows her again.
    await waitFor(async () => (await B.api(bob.token, "GET", `/api/v1/accounts/${carolOnB}`)).status === 200, "carol to be back on B");
  });
});

describe("a domain block (suspend) on A against B", () => {
  let blockId: string;

  it("severs follows between A and B on A", async () => {
    const res = await A.api(aliceAdmin, "POST", "/api/v1/admin/domain_blocks", { domain: B.host, severity: "suspend" });
    expect(res.status).toBe(200);
    blockId = res.body.id;
    expect(await relationship(A, alice.token, bobOnA)).toMatchObject({ following: false, followed_by: false });
    expect((await A.api(alice.token, "GET", `/api/v1/accounts/${bobOnA}`)).status).toBe(404);
    const me = (await A.api(alice.token, "GET", "/api/v1/accounts/verify_credentials")).body;
    expect(me.following_count).toBe(0);
    expect(me.followers_count).toBe(0);
  });

  it("stops delivery both ways", async () => {
    // A to B: a mention of bob is not delivered.
    const fromA = (await A.api(alice.token, "POST", "/api/v1/statuses", { status: `@${bob.acct} can you hear me?` })).body;
    // B to A: B still believes bob follows alice and mentions her; A answers 403.
    const fromB = (await B.api(bob.token, "POST", "/api/v1/statuses", { status: `@${alice.acct} hello?` })).body;
    await waitFor(bothIdle, "both instances' queues to be idle", 30_000);
    expect(await statusOn(B, bob.token, fromA.uri)).toBeNull();
    expect((await notifications(B, bob.token, "mention")).map((n) => n.status?.uri)).not.toContain(fromA.uri);
    expect(await statusOn(A, alice.token, fromB.uri)).toBeNull();
    expect((await notifications(A, alice.token, "mention")).map((n) => n.status?.uri)).not.toContain(fromB.uri);
  });

  it("delivery resumes once the block is lifted", async () => {
    expect((await A.api(aliceAdmin, "DELETE", `/api/v1/admin/domain_blocks/${blockId}`)).status).toBe(200);
    const fromA = (await A.api(alice.token, "POST", "/api/v1/statuses", { status: `@${bob.acct} and now?` })).body;
    await waitFor(async () => (await notifications(B, bob.token, "mention")).find((n) => n.status?.uri === fromA.uri), "the mention to reach B after the unblock");
  });
});
