import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KithInstance, type TestAccount } from "./helpers/instance.ts";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";
import { clientOf, localUser, poster, remotePost, remoteUser, type Call, type LocalUser } from "./helpers/timeline-client.ts";
import { waitFor } from "./helpers/wait.ts";

// Direct-message conversations: each local participant's view of a thread
// (participants, last status, unread), kept whether the status was written
// here or arrived from another server, and the same DM seen from both sides
// of two real instances.

describe("conversations on one instance", () => {
  let kith: InProcess;
  let call: Call;
  let post: ReturnType<typeof poster>;
  let alice: LocalUser;
  let bob: LocalUser;

  const conversations = async (who: LocalUser) => (await call("GET", "/api/v1/conversations", { token: who.token })).body as any[];

  beforeAll(async () => {
    kith = await startInProcess("conversations");
    call = clientOf(kith);
    post = poster(kith, call);
    alice = await localUser(kith, "alice", ["read"]);
    bob = await localUser(kith, "bob");
  }, 60_000);

  afterAll(async () => kith?.destroy());

  let dm: string;
  let aliceSide: any;

  it("a direct status starts a conversation for the sender (read) and the recipient (unread)", async () => {
    dm = await post(alice, "@bob psst", { visibility: "direct" });
    [aliceSide] = await conversations(alice);
    expect(aliceSide).toMatchObject({ id: expect.any(String), unread: false, accounts: [{ id: bob.id }], last_status: { id: dm, visibility: "direct" } });
    const [bobSide] = await conversations(bob);
    expect(bobSide).toMatchObject({ unread: true, accounts: [{ id: alice.id }], last_status: { id: dm } });
  });

  it("a direct reply continues the same conversation and flips unread", async () => {
    const reply = await post(bob, "@alice what?", { visibility: "direct", in_reply_to_id: dm });
    const aliceList = await conversations(alice);
    expect(aliceList).toHaveLength(1);
    expect(aliceList[0]).toMatchObject({ id: aliceSide.id, unread: true, last_status: { id: reply } });
    const bobList = await conversations(bob);
    expect(bobList).toHaveLength(1);
    expect(bobList[0]).toMatchObject({ unread: false, last_status: { id: reply } });
  });

  it("public posts and mentions start no conversation; a note to oneself lists oneself", async () => {
    await post(alice, "@bob in public");
    expect(await conversations(bob)).toHaveLength(1);
    const note = await post(alice, "note to self", { visibility: "direct" });
    const [latest] = await conversations(alice);
    expect(latest).toMatchObject({ accounts: [{ id: alice.id }], last_status: { id: note } });
  });

  it("a direct status from a remote account counts too", async () => {
    const remote = await remoteUser(kith, "rita");
    const status = await remotePost(kith, remote, "hello alice", { visibility: "direct", mentionUris: [alice.account.uri] });
    await kith.core.timelines.fanout(status.id);
    const [latest] = await conversations(alice);
    expect(latest).toMatchObject({ unread: true, accounts: [{ acct: "rita@remote.example" }], last_status: { id: String(status.id) } });
  });

  it("marks a conversation read: 404 for someone else's, 403 without the scope, nothing changed by refusals", async () => {
    expect((await call("POST", `/api/v1/conversations/${aliceSide.id}/read`, { token: bob.token })).status).toBe(404);
    expect((await call("POST", `/api/v1/conversations/${aliceSide.id}/read`, { token: alice.narrow })).status).toBe(403);
    expect((await call("POST", "/api/v1/conversations/xyz/read", { token: alice.token })).status).toBe(404);
    expect((await conversations(alice)).find((c) => c.id === aliceSide.id).unread).toBe(true);
    const read = await call("POST", `/api/v1/conversations/${aliceSide.id}/read`, { token: alice.token });
    expect(read.body).toMatchObject({ id: aliceSide.id, unread: false });
    expect((await conversations(alice)).find((c) => c.id === aliceSide.id).unread).toBe(false);
  });

  it("pages by last status with Link headers", async () => {
    const page = await call("GET", "/api/v1/conversations?limit=1", { token: alice.token });
    expect(page.body).toHaveLength(1);
    const next = new URL(/<([^>]+)>; rel="next"/.exec(String(page.headers.link))![1]!);
    expect(next.searchParams.get("max_id")).toBe(page.body[0].last_status.id);
    const rest = await call("GET", next.pathname + next.search, { token: alice.token });
    expect(rest.body.map((c: any) => c.id)).not.toContain(page.body[0].id);
    expect((await call("GET", "/api/v1/conversations", { token: null })).status).toBe(401);
  });

  it("deletes a conversation from one side only", async () => {
    expect((await call("DELETE", `/api/v1/conversations/${aliceSide.id}`, { token: alice.narrow })).status).toBe(403);
    expect((await call("DELETE", `/api/v1/conversations/${aliceSide.id}`, { token: bob.token })).status).toBe(404);
    expect((await call("DELETE", `/api/v1/conversations/${aliceSide.id}`, { token: alice.token })).body).toEqual({});
    expect((await conversations(alice)).map((c) => c.id)).not.toContain(aliceSide.id);
    expect(await conversations(bob)).toHaveLength(1);
    expect((await call("DELETE", `/api/v1/conversations/${aliceSide.id}`, { token: alice.token })).status).toBe(404);
  });
});

describe("a DM between two instances", () => {
  let A: KithInstance;
  let B: KithInstance;
  let alice: TestAccount;
  let bob: TestAccount;

  beforeAll(async () => {
    [A, B] = await Promise.all([KithInstance.create("dm_a"), KithInstance.create("dm_b")]);
    await Promise.all([A.start(), B.start()]);
    [alice, bob] = await Promise.all([A.createAccount("alice"), B.createAccount("bob")]);
    await A.resolve(alice.token, bob.acct);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([A?.destroy(), B?.destroy()]);
  });

  it("shows as a conversation on both sides, and the reply joins it", async () => {
    const sent = await A.api(alice.token, "POST", "/api/v1/statuses", { status: `@${bob.acct} just between us`, visibility: "direct" });
    expect(sent.status).toBe(200);
    const onA = await waitFor(async () => (await A.api(alice.token, "GET", "/api/v1/conversations")).body[0], "alice's conversation");
    expect(onA).toMatchObject({ unread: false, accounts: [{ acct: bob.acct }], last_status: { id: sent.body.id } });

    const onB = await waitFor(async () => (await B.api(bob.token, "GET", "/api/v1/conversations")).body[0], "bob's conversation on B");
    expect(onB).toMatchObject({ unread: true, accounts: [{ acct: alice.acct }], last_status: { uri: sent.body.uri, visibility: "direct" } });

    const reply = await B.api(bob.token, "POST", "/api/v1/statuses", { status: `@${alice.acct} got it`, visibility: "direct", in_reply_to_id: onB.last_status.id });
    expect(reply.status).toBe(200);
    const updated = await waitFor(async () => {
      const list = (await A.api(alice.token, "GET", "/api/v1/conversations")).body as any[];
      return list[0]?.last_status?.uri === reply.body.uri ? list : null;
    }, "bob's reply in alice's conversation");
    expect(updated).toHaveLength(1);
    expect(updated[0]).toMatchObject({ id: onA.id, unread: true, accounts: [{ acct: bob.acct }] });
  });
});
