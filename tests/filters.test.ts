import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientOf, localUser, poster, type Call } from "./helpers/timeline-client.ts";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";

// Filters API v2 (filters, keywords, statuses) and how filters change what
// timelines and notifications show: warn and blur mark, hide removes.

let kith: InProcess;
let call: Call;
let post: ReturnType<typeof poster>;
let alice: Awaited<ReturnType<typeof localUser>>;
let bob: Awaited<ReturnType<typeof localUser>>;

const filters = async () => (await call("GET", "/api/v2/filters", { token: alice.token })).body as any[];


beforeAll(async () => {
  kith = await startInProcess("filters");
  call = clientOf(kith);
  post = poster(kith, call);
  alice = await localUser(kith, "alice", ["read"]);
  bob = await localUser(kith, "bob");
  await kith.core.follows.follow(alice.account.id, bob.account.id);
}, 60_000);

afterAll(async () => kith?.destroy());

describe("filters v2 CRUD", () => {
  let id: string;

  it("creates a filter with keywords from JSON", async () => {
    const res = await call("POST", "/api/v2/filters", {
      token: alice.token,
      body: { title: "Spoilers", context: ["home", "public"], filter_action: "warn", keywords_attributes: [{ keyword: "finale", whole_word: true }, { keyword: "spoil", whole_word: false }] },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      title: "Spoilers",
      context: ["home", "public"],
      filter_action: "warn",
      expires_at: null,
      keywords: [
        { id: expect.any(String), keyword: "finale", whole_word: true },
        { id: expect.any(String), keyword: "spoil", whole_word: false },
      ],
      statuses: [],
    });
    id = res.body.id;
  });

  it("creates a filter from a form the way Rails apps send nested keywords", async () => {
    const form = "title=Formed&context[]=notifications&context[]=thread&filter_action=hide&expires_in=3600"
      + "&keywords_attributes[][keyword]=one&keywords_attributes[][whole_word]=false&keywords_attributes[][keyword]=two";
    const res = await call("POST", "/api/v2/filters", { token: alice.token, form });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ title: "Formed", context: ["notifications", "thread"], filter_action: "hide" });
    expect(res.body.keywords.map((k: any) => [k.keyword, k.whole_word])).toEqual([["one", false], ["two", true]]);
    expect(Date.parse(res.body.expires_at) - Date.now()).toBeGreaterThan(3500_000);
    await call("DELETE", `/api/v2/filters/${res.body.id}`, { token: alice.token });
  });

  it.each([
    [{ context: ["home"] }, /title/],
    [{ title: "x", context: [] }, /Context can't be blank/],
    [{ title: "x", context: ["everywhere"] }, /context/],
    [{ title: "x", context: ["home"], filter_action: "explode" }, /filter_action/],
    [{ title: "x", context: ["home"], expires_in: -5 }, /expires_in/],
    [{ title: "x", context: ["home"], keywords_attributes: [{ keyword: " " }] }, /Keyword/],
  ])("422 for %j, and nothing is created", async (body, message) => {
    const res = await call("POST", "/api/v2/filters", { token: alice.token, body });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(message);
    expect(await filters()).toHaveLength(1);
  });

  it("403 without write:filters, 401 without a token; nothing is created", async () => {
    expect((await call("POST", "/api/v2/filters", { token: alice.narrow, body: { title: "x", context: ["home"] } })).status).toBe(403);
    expect((await call("POST", "/api/v2/filters", { body: { title: "x", context: ["home"] } })).status).toBe(401);
    expect((await call("GET", "/api/v2/filters", { token: alice.narrow })).status).toBe(200);
    expect(await filters()).toHaveLength(1);
  });

  it("updates fields and keywords (add, change, destroy) in one request", async () => {
    const before = (await call("GET", `/api/v2/filters/${id}`, { token: alice.token })).body;
    const [finale, spoil] = before.keywords;
    const res = await call("PUT", `/api/v2/filters/${id}`, {
      token: alice.token,
      body: {
        title: "Spoilers!",
        context: ["home", "public", "notifications"],
        keywords_attributes: [{ id: finale.id, keyword: "season finale" }, { id: spoil.id, _destroy: true }, { keyword: "leak" }],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.title).toBe("Spoilers!");
    expect(res.body.context).toEqual(["home", "public", "notifications"]);
    expect(res.body.keywords.map((k: any) => k.keyword)).toEqual(["season finale", "leak"]);
  });

  it("404 for someone else's keyword id in an update, and nothing changes", async () => {
    const bobs = (await call("POST", "/api/v2/filters", { token: bob.token, body: { title: "Bob's", context: ["home"], keywords_attributes: [{ keyword: "bob" }] } })).body;
    const res = await call("PUT", `/api/v2/filters/${id}`, { token: alice.token, body: { title: "Hijack", keywords_attributes: [{ id: bobs.keywords[0].id, _destroy: true }] } });
    expect(res.status).toBe(404);
    expect((await call("GET", `/api/v2/filters/${id}`, { token: alice.token })).body.title).toBe("Spoilers!");
    expect((await call("GET", `/api/v2/filters/${bobs.id}`, { token: bob.token })).body.keywords).toHaveLength(1);
    expect((await call("GET", `/api/v2/filters/${bobs.id}`, { token: alice.token })).status).toBe(404);
    expect((await call("DELETE", `/api/v2/filters/${bobs.id}`, { token: alice.token })).status).toBe(404);
    expect((await call("GET", `/api/v2/filters/${bobs.id}`, { token: bob.token })).status).toBe(200);
    await call("DELETE", `/api/v2/filters/${bobs.id}`, { token: bob.token });
  });

  it("keywords on their own: list, add, show, change, delete", async () => {
    const added = await call("POST", `/api/v2/filters/${id}/keywords`, { token: alice.token, body: { keyword: "ending", whole_word: false } });
    expect(added.body).toMatchObject({ keyword: "ending", whole_word: false });
    expect((await call("GET", `/api/v2/filters/${id}/keywords`, { token: alice.token })).body.map((k: any) => k.keyword)).toEqual(["season finale", "leak", "ending"]);
    expect((await call("GET", `/api/v2/filters/keywords/${added.body.id}`, { token: alice.token })).body.keyword).toBe("ending");
    const changed = await call("PUT", `/api/v2/filters/keywords/${added.body.id}`, { token: alice.token, body: { whole_word: true } });
    expect(changed.body).toMatchObject({ keyword: "ending", whole_word: true });
    expect((await call("PUT", `/api/v2/filters/keywords/${added.body.id}`, { token: alice.token, body: { keyword: "" } })).status).toBe(422);
    expect((await call("POST", `/api/v2/filters/${id}/keywords`, { token: alice.token, body: {} })).status).toBe(422);
    expect((await call("GET", `/api/v2/filters/keywords/${added.body.id}`, { token: bob.token })).status).toBe(404);
    expect((await call("DELETE", `/api/v2/filters/keywords/${added.body.id}`, { token: bob.token })).status).toBe(404);
    expect((await call("DELETE", `/api/v2/filters/keywords/${added.body.id}`, { token: alice.narrow })).status).toBe(403);
    expect((await call("DELETE", `/api/v2/filters/keywords/${added.body.id}`, { token: alice.token })).body).toEqual({});
    expect((await call("GET", `/api/v2/filters/keywords/${added.body.id}`, { token: alice.token })).status).toBe(404);
    expect((await call("GET", `/api/v2/filters/keywords/nope`, { token: alice.token })).status).toBe(404);
  });

  it("statuses on their own: add (once), list, show, delete; a hidden status cannot be added", async () => {
    const visible = await post(bob, "filter me by id");
    const secret = await post(bob, "only for bob", { visibility: "direct" });
    const added = await call("POST", `/api/v2/filters/${id}/statuses`, { token: alice.token, body: { status_id: visible } });
    expect(added.body).toEqual({ id: expect.any(String), status_id: visible });
    expect((await call("POST", `/api/v2/filters/${id}/statuses`, { token: alice.token, body: { status_id: visible } })).status).toBe(422);
    expect((await call("POST", `/api/v2/filters/${id}/statuses`, { token: alice.token, body: { status_id: secret } })).status).toBe(404);
    expect((await call("POST", `/api/v2/filters/${id}/statuses`, { token: alice.token, body: { status_id: "x" } })).status).toBe(422);
    expect((await call("GET", `/api/v2/filters/${id}/statuses`, { token: alice.token })).body).toEqual([added.body]);
    expect((await call("GET", `/api/v2/filters/statuses/${added.body.id}`, { token: alice.token })).body).toEqual(added.body);
    expect((await call("GET", `/api/v2/filters/statuses/${added.body.id}`, { token: bob.token })).status).toBe(404);
    expect((await call("DELETE", `/api/v2/filters/statuses/${added.body.id}`, { token: alice.token })).body).toEqual({});
    expect((await call("GET", `/api/v2/filters/${id}/statuses`, { token: alice.token })).body).toEqual([]);
  });
});

describe("filters applied", () => {
  beforeAll(async () => {
    for (const f of await filters()) await call("DELETE", `/api/v2/filters/${f.id}`, { token: alice.token });
  });

  it("warn marks matching statuses with FilterResults, hide removes them, blur marks them; own posts are never filtered", async () => {
    const warn = (await call("POST", "/api/v2/filters", { token: alice.token, body: { title: "W", context: ["home"], filter_action: "warn", keywords_attributes: [{ keyword: "Café" }] } })).body;
    await call("POST", "/api/v2/filters", { token: alice.token, body: { title: "H", context: ["home", "public"], filter_action: "hide", keywords_attributes: [{ keyword: "#nsfw", whole_word: true }] } });
    await call("POST", "/api/v2/filters", { token: alice.token, body: { title: "B", context: ["home"], filter_action: "blur", keywords_attributes: [{ keyword: "gore", whole_word: false }] } });

    const warned = await post(bob, "meet me at the café tonight");
    const partWord = await post(bob, "cafés are not the word");
    const hidden = await post(bob, "something #nsfw here");
    const blurred = await post(bob, "so much goreeee");
    const own = await post(alice, "my own café post");

    const timeline = (await call("GET", "/api/v1/timelines/home?limit=40", { token: alice.token })).body as any[];
    const byId = new Map(timeline.map((s) => [s.id, s]));
    expect(byId.get(warned).filtered).toEqual([
      { filter: expect.objectContaining({ id: warn.id, title: "W", filter_action: "warn" }), keyword_matches: ["Café"], status_matches: null },
    ]);
    expect(byId.get(partWord).filtered).toEqual([]);
    expect(byId.has(hidden)).toBe(false);
    expect(byId.get(blurred).filtered.map((f: any) => f.filter.filter_action)).toEqual(["blur"]);
    expect(byId.get(own).filtered).toEqual([]);

    // Contexts: the hide filter is also public, the warn one is not.
    const publicTimeline = (await call("GET", "/api/v1/timelines/public?limit=40", { token: alice.token })).body as any[];
    expect(publicTimeline.map((s) => s.id)).not.toContain(hidden);
    expect(publicTimeline.find((s) => s.id === warned).filtered).toEqual([]);
    // Someone else sees everything.
    expect((await call("GET", "/api/v1/timelines/public?limit=40")).body.map((s: any) => s.id)).toContain(hidden);
  });

  it("a status filter marks that status where the context applies (account)", async () => {
    const target = await post(bob, "a post to filter by id");
    const f = (await call("POST", "/api/v2/filters", { token: alice.token, body: { title: "S", context: ["account"] } })).body;
    const fs = (await call("POST", `/api/v2/filters/${f.id}/statuses`, { token: alice.token, body: { status_id: target } })).body;
    const statuses = (await call("GET", `/api/v1/accounts/${bob.id}/statuses`, { token: alice.token })).body as any[];
    expect(statuses.find((s) => s.id === target).filtered).toEqual([
      { filter: expect.objectContaining({ id: f.id }), keyword_matches: null, status_matches: [fs.id] },
    ]);
  });

  it("an expired filter no longer applies", async () => {
    const f = (await call("POST", "/api/v2/filters", { token: alice.token, body: { title: "Soon gone", context: ["home"], filter_action: "hide", expires_in: 1, keywords_attributes: [{ keyword: "ephemeral" }] } })).body;
    const status = await post(bob, "ephemeral words");
    const ids = async () => ((await call("GET", "/api/v1/timelines/home?limit=40", { token: alice.token })).body as any[]).map((s) => s.id);
    expect(await ids()).not.toContain(status);
    await kith.core.filters.update(alice.account.id, BigInt(f.id), { expiresAt: new Date(Date.now() - 1000) }, []);
    expect(await ids()).toContain(status);
  });

  it("notifications: a hide filter in the notifications context drops the notification", async () => {
    await call("POST", "/api/v2/filters", { token: alice.token, body: { title: "N", context: ["notifications"], filter_action: "hide", keywords_attributes: [{ keyword: "annoying" }] } });
    const mention = await post(bob, "@alice annoying mention");
    const kept = await post(bob, "@alice pleasant mention");
    const ids = ((await call("GET", "/api/v1/notifications?types[]=mention", { token: alice.token })).body as any[]).map((n) => n.status.id);
    expect(ids).toContain(kept);
    expect(ids).not.toContain(mention);
  });
});
