import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientOf, localUser, poster, type Call, type LocalUser } from "./helpers/timeline-client.ts";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";

// Filters API v1, served as Mastodon 4 does: a view of v2 filters where each
// keyword is one v1 filter. What v1 creates is a v2 filter, applied like one.

let kith: InProcess;
let call: Call;
let post: ReturnType<typeof poster>;
let alice: LocalUser;
let bob: LocalUser;

const v1 = async (who = alice) => (await call("GET", "/api/v1/filters", { token: who.token })).body as any[];
const v2 = async (who = alice) => (await call("GET", "/api/v2/filters", { token: who.token })).body as any[];
const homeOf = async (who: LocalUser) => (await call("GET", "/api/v1/timelines/home?limit=40", { token: who.token })).body as any[];

beforeAll(async () => {
  kith = await startInProcess("filters_v1");
  call = clientOf(kith);
  post = poster(kith, call);
  alice = await localUser(kith, "alice", ["read:filters"]);
  bob = await localUser(kith, "bob");
  await kith.core.follows.follow(alice.account.id, bob.account.id);
}, 60_000);

afterAll(async () => kith?.destroy());

describe("v1 filters CRUD", () => {
  let id: string;

  it("creates a filter (JSON) that shows as a V1::Filter and as a v2 filter with one keyword", async () => {
    const res = await call("POST", "/api/v1/filters", { token: alice.token, body: { phrase: "spoiler", context: ["home", "thread"], whole_word: false, expires_in: 3600 } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: expect.any(String), phrase: "spoiler", context: ["home", "thread"], whole_word: false, expires_at: expect.any(String), irreversible: false });
    expect(Date.parse(res.body.expires_at) - Date.now()).toBeGreaterThan(3500_000);
    id = res.body.id;
    const [filter] = await v2();
    expect(filter).toMatchObject({ title: "spoiler", context: ["home", "thread"], filter_action: "warn", keywords: [{ id, keyword: "spoiler", whole_word: false }] });
    expect(await v1()).toEqual([res.body]);
    expect((await call("GET", `/api/v1/filters/${id}`, { token: alice.token })).body).toEqual(res.body);
  });

  it("creates from a form the way older apps send it; irreversible means the hide action; whole_word defaults to true", async () => {
    const res = await call("POST", "/api/v1/filters", { token: alice.token, form: "phrase=Leak&context[]=public&context[]=notifications&irreversible=true" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ phrase: "Leak", context: ["public", "notifications"], whole_word: true, expires_at: null, irreversible: true });
    expect((await v2()).find((f) => f.title === "Leak").filter_action).toBe("hide");
    expect((await call("DELETE", `/api/v1/filters/${res.body.id}`, { token: alice.token })).body).toEqual({});
  });

  it.each([
    [{ context: ["home"] }, /Phrase can't be blank/],
    [{ phrase: "  ", context: ["home"] }, /Phrase can't be blank/],
    [{ phrase: "x".repeat(257), context: ["home"] }, /Phrase is too long/],
    [{ phrase: "x" }, /context/],
    [{ phrase: "x", context: [] }, /Context can't be blank/],
    [{ phrase: "x", context: ["everywhere"] }, /context/],
    [{ phrase: "x", context: ["home"], irreversible: ["maybe"] }, /irreversible/],
    [{ phrase: "x", context: ["home"], expires_in: -1 }, /expires_in/],
  ])("422 for %j, and nothing is created", async (body, message) => {
    const res = await call("POST", "/api/v1/filters", { token: alice.token, body });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(message);
    expect(await v1()).toHaveLength(1);
    expect(await v2()).toHaveLength(1);
  });

  it("403 without write:filters (read only is enough to list), 401 without a token; nothing changes", async () => {
    expect((await call("POST", "/api/v1/filters", { token: alice.narrow, body: { phrase: "x", context: ["home"] } })).status).toBe(403);
    expect((await call("PUT", `/api/v1/filters/${id}`, { token: alice.narrow, body: { phrase: "x" } })).status).toBe(403);
    expect((await call("DELETE", `/api/v1/filters/${id}`, { token: alice.narrow })).status).toBe(403);
    expect((await call("GET", "/api/v1/filters")).status).toBe(401);
    expect((await call("GET", "/api/v1/filters", { token: alice.narrow })).body).toHaveLength(1);
    expect((await v1())[0]).toMatchObject({ id, phrase: "spoiler" });
  });

  it("updates the keyword and its filter together", async () => {
    const res = await call("PUT", `/api/v1/filters/${id}`, { token: alice.token, body: { phrase: "spoilers", whole_word: true, context: ["home"], irreversible: true, expires_in: "" } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id, phrase: "spoilers", context: ["home"], whole_word: true, expires_at: null, irreversible: true });
    expect((await v2())[0]).toMatchObject({ title: "spoilers", context: ["home"], filter_action: "hide", expires_at: null, keywords: [{ id, keyword: "spoilers", whole_word: true }] });
  });

  it("404 for unknown, malformed or someone else's ids; 422 for bad updates; nothing changes", async () => {
    expect((await call("GET", "/api/v1/filters/999999", { token: alice.token })).status).toBe(404);
    expect((await call("GET", "/api/v1/filters/nope", { token: alice.token })).status).toBe(404);
    expect((await call("GET", `/api/v1/filters/${id}`, { token: bob.token })).status).toBe(404);
    expect((await call("PUT", `/api/v1/filters/${id}`, { token: bob.token, body: { phrase: "hijack" } })).status).toBe(404);
    expect((await call("DELETE", `/api/v1/filters/${id}`, { token: bob.token })).status).toBe(404);
    const blank = await call("PUT", `/api/v1/filters/${id}`, { token: alice.token, body: { phrase: "" } });
    expect(blank.status).toBe(422);
    expect((await call("PUT", `/api/v1/filters/${id}`, { token: alice.token, body: { context: [] } })).status).toBe(422);
    expect((await call("PUT", `/api/v1/filters/${id}`, { token: alice.token, body: { whole_word: ["sometimes"] } })).status).toBe(422);
    expect((await v1())[0]).toEqual({ id, phrase: "spoilers", context: ["home"], whole_word: true, expires_at: null, irreversible: true });
  });

  it("a v2 filter with two keywords is two v1 filters; v1 may change a keyword but not the shared filter", async () => {
    const multi = (await call("POST", "/api/v2/filters", { token: alice.token, body: { title: "Sports", context: ["public"], keywords_attributes: [{ keyword: "football" }, { keyword: "cricket", whole_word: false }] } })).body;
    const [football, cricket] = multi.keywords;
    const listed = await v1();
    expect(listed.filter((f) => f.context[0] === "public")).toEqual([
      { id: football.id, phrase: "football", context: ["public"], whole_word: true, expires_at: null, irreversible: false },
      { id: cricket.id, phrase: "cricket", context: ["public"], whole_word: false, expires_at: null, irreversible: false },
    ]);
    const keywordOnly = await call("PUT", `/api/v1/filters/${cricket.id}`, { token: alice.token, body: { whole_word: true } });
    expect(keywordOnly.body).toMatchObject({ phrase: "cricket", whole_word: true });
    const shared = await call("PUT", `/api/v1/filters/${cricket.id}`, { token: alice.token, body: { context: ["home"] } });
    expect(shared.status).toBe(422);
    expect(shared.body.error).toMatch(/more than one filter keyword/);
    expect((await call("GET", `/api/v2/filters/${multi.id}`, { token: alice.token })).body).toMatchObject({ title: "Sports", context: ["public"] });

    // Deleting one keyword keeps the filter with the other; deleting the last removes the filter.
    expect((await call("DELETE", `/api/v1/filters/${cricket.id}`, { token: alice.token })).body).toEqual({});
    expect((await call("GET", `/api/v2/filters/${multi.id}`, { token: alice.token })).body.keywords.map((k: any) => k.keyword)).toEqual(["football"]);
    expect((await call("DELETE", `/api/v1/filters/${football.id}`, { token: alice.token })).body).toEqual({});
    expect((await call("GET", `/api/v2/filters/${multi.id}`, { token: alice.token })).status).toBe(404);
    expect((await call("GET", `/api/v1/filters/${football.id}`, { token: alice.token })).status).toBe(404);
  });
});

describe("v1 filters applied", () => {
  it("a v1 filter acts like the v2 filter it is: irreversible hides, otherwise statuses are marked", async () => {
    const warn = (await call("POST", "/api/v1/filters", { token: alice.token, body: { phrase: "tomato", context: ["home"] } })).body;
    const warned = await post(bob, "a tomato salad");
    const hidden = await post(bob, "spoilers for the finale");
    const clean = await post(bob, "nothing to see");
    const byId = new Map((await homeOf(alice)).map((s) => [s.id, s]));
    expect(byId.has(hidden)).toBe(false);
    expect(byId.get(warned).filtered).toEqual([{ filter: expect.objectContaining({ title: "tomato", filter_action: "warn" }), keyword_matches: ["tomato"], status_matches: null }]);
    expect(byId.get(clean).filtered).toEqual([]);
    // Bob has no filters: he sees his own posts unmarked.
    expect((await homeOf(bob)).map((s) => s.id)).toContain(hidden);

    // Deleted through v1, the filter stops applying.
    await call("DELETE", `/api/v1/filters/${warn.id}`, { token: alice.token });
    const after = new Map((await homeOf(alice)).map((s) => [s.id, s]));
    expect(after.get(warned).filtered).toEqual([]);
  });
});
