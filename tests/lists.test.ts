import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientOf, localUser, poster, type Call } from "./helpers/timeline-client.ts";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";

// Lists: CRUD, members (only followed accounts), the list timeline fed at
// fan-out time with its replies policy, and exclusive lists leaving home.

let kith: InProcess;
let call: Call;
let post: ReturnType<typeof poster>;
let alice: Awaited<ReturnType<typeof localUser>>;
let bob: Awaited<ReturnType<typeof localUser>>;
let carol: Awaited<ReturnType<typeof localUser>>;
let dave: Awaited<ReturnType<typeof localUser>>;

const lists = async () => (await call("GET", "/api/v1/lists", { token: alice.token })).body as any[];
const members = async (id: string) => ((await call("GET", `/api/v1/lists/${id}/accounts`, { token: alice.token })).body as any[]).map((a) => a.id);
const listTimeline = async (id: string) => ((await call("GET", `/api/v1/timelines/list/${id}`, { token: alice.token })).body as any[]).map((s) => s.id);
const home = async () => ((await call("GET", "/api/v1/timelines/home?limit=40", { token: alice.token })).body as any[]).map((s) => s.id);


beforeAll(async () => {
  kith = await startInProcess("lists");
  call = clientOf(kith);
  post = poster(kith, call);
  alice = await localUser(kith, "alice", ["read"]);
  bob = await localUser(kith, "bob");
  carol = await localUser(kith, "carol");
  dave = await localUser(kith, "dave");
  await kith.core.follows.follow(alice.account.id, bob.account.id);
  await kith.core.follows.follow(alice.account.id, carol.account.id);
}, 60_000);

afterAll(async () => kith?.destroy());

describe("lists CRUD", () => {
  let listId: string;

  it("creates a list from JSON and from a form, and lists them", async () => {
    const json = await call("POST", "/api/v1/lists", { token: alice.token, body: { title: "Friends" } });
    expect(json.status).toBe(200);
    expect(json.body).toEqual({ id: expect.any(String), title: "Friends", replies_policy: "list", exclusive: false });
    listId = json.body.id;
    const form = await call("POST", "/api/v1/lists", { token: alice.token, form: "title=Work&replies_policy=followed&exclusive=true" });
    expect(form.body).toMatchObject({ title: "Work", replies_policy: "followed", exclusive: true });
    expect((await lists()).map((l) => l.title)).toEqual(["Friends", "Work"]);
    await call("DELETE", `/api/v1/lists/${form.body.id}`, { token: alice.token });
  });

  it("422 for a blank title or an unknown replies policy, 403 without write:lists; nothing is created", async () => {
    const blank = await call("POST", "/api/v1/lists", { token: alice.token, body: { title: "  " } });
    expect(blank.status).toBe(422);
    expect(blank.body.error).toMatch(/Title can't be blank/);
    const policy = await call("POST", "/api/v1/lists", { token: alice.token, body: { title: "x", replies_policy: "everyone" } });
    expect(policy.status).toBe(422);
    expect(policy.body.error).toMatch(/replies_policy/);
    expect((await call("POST", "/api/v1/lists", { token: alice.narrow, body: { title: "x" } })).status).toBe(403);
    expect((await call("POST", "/api/v1/lists", { body: { title: "x" } })).status).toBe(401);
    expect((await lists()).map((l) => l.title)).toEqual(["Friends"]);
  });

  it("shows, renames and refuses bad updates", async () => {
    expect((await call("GET", `/api/v1/lists/${listId}`, { token: alice.token })).body.title).toBe("Friends");
    const renamed = await call("PUT", `/api/v1/lists/${listId}`, { token: alice.token, body: { title: "Pals", replies_policy: "none" } });
    expect(renamed.body).toMatchObject({ title: "Pals", replies_policy: "none", exclusive: false });
    const bad = await call("PUT", `/api/v1/lists/${listId}`, { token: alice.token, body: { exclusive: ["maybe"] } });
    expect(bad.status).toBe(422);
    expect((await call("GET", `/api/v1/lists/${listId}`, { token: alice.token })).body).toMatchObject({ title: "Pals", exclusive: false });
    await call("PUT", `/api/v1/lists/${listId}`, { token: alice.token, body: { replies_policy: "list" } });
  });

  it("404 for a list that is someone else's or does not exist, and it is left alone", async () => {
    for (const [method, url] of [
      ["GET", `/api/v1/lists/${listId}`],
      ["PUT", `/api/v1/lists/${listId}`],
      ["DELETE", `/api/v1/lists/${listId}`],
      ["GET", `/api/v1/timelines/list/${listId}`],
      ["GET", `/api/v1/lists/${listId}/accounts`],
    ] as const) {
      const res = await call(method, url, { token: bob.token, body: method === "PUT" ? { title: "mine now" } : undefined });
      expect(res.status, `${method} ${url}`).toBe(404);
    }
    expect((await call("GET", "/api/v1/lists/abc", { token: alice.token })).status).toBe(404);
    expect((await call("GET", "/api/v1/lists/123456789", { token: alice.token })).status).toBe(404);
    expect((await lists()).map((l) => l.title)).toEqual(["Pals"]);
  });

  it("adds only followed accounts (422 otherwise, 404 for unknown ones) and lists members", async () => {
    const notFollowed = await call("POST", `/api/v1/lists/${listId}/accounts`, { token: alice.token, body: { account_ids: [bob.id, dave.id] } });
    expect(notFollowed.status).toBe(422);
    expect(notFollowed.body.error).toMatch(/follow/);
    expect(await members(listId)).toEqual([]);
    expect((await call("POST", `/api/v1/lists/${listId}/accounts`, { token: alice.token, body: { account_ids: ["99999999"] } })).status).toBe(404);
    expect((await call("POST", `/api/v1/lists/${listId}/accounts`, { token: alice.token, body: {} })).status).toBe(422);
    expect((await call("POST", `/api/v1/lists/${listId}/accounts`, { token: alice.narrow, body: { account_ids: [bob.id] } })).status).toBe(403);
    expect(await members(listId)).toEqual([]);

    const added = await call("POST", `/api/v1/lists/${listId}/accounts`, { token: alice.token, form: `account_ids[]=${bob.id}` });
    expect(added.status).toBe(200);
    expect(added.body).toEqual({});
    expect(await members(listId)).toEqual([bob.id]);
    const all = await call("GET", `/api/v1/lists/${listId}/accounts?limit=0`, { token: alice.token });
    expect(all.body.map((a: any) => a.acct)).toEqual(["bob"]);
    expect((await call("GET", `/api/v1/accounts/${bob.id}/lists`, { token: alice.token })).body.map((l: any) => l.id)).toEqual([listId]);
    expect((await call("GET", `/api/v1/accounts/${carol.id}/lists`, { token: alice.token })).body).toEqual([]);
    expect((await call("GET", `/api/v1/accounts/999999/lists`, { token: alice.token })).status).toBe(404);
  });

  it("deletes a list", async () => {
    const temp = (await call("POST", "/api/v1/lists", { token: alice.token, body: { title: "Temp" } })).body;
    expect((await call("DELETE", `/api/v1/lists/${temp.id}`, { token: alice.narrow })).status).toBe(403);
    expect((await call("DELETE", `/api/v1/lists/${temp.id}`, { token: alice.token })).body).toEqual({});
    expect((await call("GET", `/api/v1/lists/${temp.id}`, { token: alice.token })).status).toBe(404);
  });
});

describe("the list timeline", () => {
  let listId: string;
  let earlier: string;

  beforeAll(async () => {
    earlier = await post(bob, "before the list existed");
    listId = (await call("POST", "/api/v1/lists", { token: alice.token, body: { title: "Bob", replies_policy: "list" } })).body.id;
  });

  it("backfills a new member's recent posts and receives new ones", async () => {
    await call("POST", `/api/v1/lists/${listId}/accounts`, { token: alice.token, body: { account_ids: [bob.id] } });
    expect(await listTimeline(listId)).toContain(earlier);
    const fresh = await post(bob, "hello list");
    const carolPost = await post(carol, "not in the list");
    const timeline = await listTimeline(listId);
    expect(timeline[0]).toBe(fresh);
    expect(timeline).not.toContain(carolPost);
    expect((await call("GET", `/api/v1/timelines/list/${listId}`, { token: alice.narrow })).status).toBe(200);
  });

  it("paginates with Link headers", async () => {
    const page = await call("GET", `/api/v1/timelines/list/${listId}?limit=1`, { token: alice.token });
    expect(page.body).toHaveLength(1);
    const next = /<([^>]+)>; rel="next"/.exec(String(page.headers.link))![1]!;
    const second = await call("GET", new URL(next).pathname + new URL(next).search, { token: alice.token });
    expect(second.body[0].id).not.toBe(page.body[0].id);
  });

  it("takes replies by its policy: 'list' keeps replies to members and self-replies only", async () => {
    const carolPost = await post(carol, "carol speaks");
    const toCarol = await post(bob, "@carol hi", { in_reply_to_id: carolPost });
    const toSelf = await post(bob, "thread 2/2", { in_reply_to_id: await post(bob, "thread 1/2") });
    let timeline = await listTimeline(listId);
    expect(timeline).toContain(toSelf);
    expect(timeline).not.toContain(toCarol);

    await call("PUT", `/api/v1/lists/${listId}`, { token: alice.token, body: { replies_policy: "followed" } });
    const followed = await post(bob, "@carol again", { in_reply_to_id: carolPost });
    const daveStatus = await post(dave, "dave speaks");
    const toDave = await post(bob, "@dave hi", { in_reply_to_id: daveStatus });
    timeline = await listTimeline(listId);
    expect(timeline).toContain(followed);
    expect(timeline).not.toContain(toDave);

    await call("PUT", `/api/v1/lists/${listId}`, { token: alice.token, body: { replies_policy: "none" } });
    const none = await post(bob, "@carol once more", { in_reply_to_id: carolPost });
    expect(await listTimeline(listId)).not.toContain(none);
    await call("PUT", `/api/v1/lists/${listId}`, { token: alice.token, body: { replies_policy: "list" } });
  });

  it("an exclusive list keeps its members' posts out of home", async () => {
    const inHome = await post(bob, "seen at home");
    expect(await home()).toContain(inHome);
    await call("PUT", `/api/v1/lists/${listId}`, { token: alice.token, body: { exclusive: true } });
    const onlyInList = await post(bob, "only in the list");
    expect(await listTimeline(listId)).toContain(onlyInList);
    expect(await home()).not.toContain(onlyInList);
    expect(await home()).toContain(inHome);
    await call("PUT", `/api/v1/lists/${listId}`, { token: alice.token, body: { exclusive: false } });
  });

  it("removing a member removes their posts from the list, 403 and nothing changed without the scope", async () => {
    expect((await call("DELETE", `/api/v1/lists/${listId}/accounts`, { token: alice.narrow, body: { account_ids: [bob.id] } })).status).toBe(403);
    expect(await members(listId)).toEqual([bob.id]);
    const res = await call("DELETE", `/api/v1/lists/${listId}/accounts?account_ids[]=${bob.id}`, { token: alice.token });
    expect(res.status).toBe(200);
    expect(await members(listId)).toEqual([]);
    expect(await listTimeline(listId)).toEqual([]);
  });
});
