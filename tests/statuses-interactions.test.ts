import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client } from "./helpers/client.ts";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";

// Bookmarks, pins, thread mutes and who favourited or reblogged a status.

let kith: InProcess;
let api: ReturnType<typeof client>;
let gina: { id: bigint; token: string; readOnly: string };
let hugo: { id: bigint; token: string };

const post = async (token: string, body: object) => {
  const res = await api.call(token, "POST", "/api/v1/statuses", body);
  if (res.status !== 200) throw new Error(JSON.stringify(res.body));
  return res.body;
};

beforeAll(async () => {
  kith = await startInProcess("interactions");
  api = client(kith);
  const g = await kith.core.accounts.createLocal("gina");
  gina = { id: g.id, token: await kith.core.tokens.issue(g.id), readOnly: await kith.core.tokens.issue(g.id, ["read"]) };
  const h = await kith.core.accounts.createLocal("hugo");
  hugo = { id: h.id, token: await kith.core.tokens.issue(h.id) };
}, 60_000);

afterAll(async () => kith?.destroy());

describe("bookmarks", () => {
  it("bookmark, list newest bookmark first with Link pagination, unbookmark", async () => {
    const a = await post(hugo.token, { status: "first" });
    const b = await post(hugo.token, { status: "second" });
    const c = await post(hugo.token, { status: "third" });
    for (const s of [b, a, c]) {
      const res = await api.call(gina.token, "POST", `/api/v1/statuses/${s.id}/bookmark`);
      expect(res.status).toBe(200);
      expect(res.body.bookmarked).toBe(true);
    }
    // Bookmarking twice changes nothing.
    await api.call(gina.token, "POST", `/api/v1/statuses/${a.id}/bookmark`);
    const page1 = await api.call(gina.token, "GET", "/api/v1/bookmarks?limit=2");
    expect(page1.body.map((s: any) => s.id)).toEqual([c.id, a.id]);
    expect(page1.body.every((s: any) => s.bookmarked)).toBe(true);
    const next = /<([^>]+)>; rel="next"/.exec(String(page1.headers.link))![1]!;
    const page2 = await api.call(gina.token, "GET", new URL(next).pathname + new URL(next).search);
    expect(page2.body.map((s: any) => s.id)).toEqual([b.id]);
    expect((await api.call(hugo.token, "GET", `/api/v1/statuses/${a.id}`)).body.bookmarked).toBe(false);

    const un = await api.call(gina.token, "POST", `/api/v1/statuses/${a.id}/unbookmark`);
    expect(un.body.bookmarked).toBe(false);
    expect((await api.call(gina.token, "GET", "/api/v1/bookmarks")).body.map((s: any) => s.id)).toEqual([c.id, b.id]);
  });

  it("404 for statuses one cannot see or bad ids, 403 without the scope; nothing bookmarked", async () => {
    const dm = await post(hugo.token, { status: "private note to self", visibility: "direct" });
    const before = (await api.call(gina.token, "GET", "/api/v1/bookmarks")).body.length;
    expect((await api.call(gina.token, "POST", `/api/v1/statuses/${dm.id}/bookmark`)).status).toBe(404);
    expect((await api.call(gina.token, "POST", "/api/v1/statuses/nope/bookmark")).status).toBe(404);
    const s = await post(hugo.token, { status: "public" });
    const res = await api.call(gina.readOnly, "POST", `/api/v1/statuses/${s.id}/bookmark`);
    expect(res.status).toBe(403);
    expect((await api.call(gina.token, "GET", "/api/v1/bookmarks")).body.length).toBe(before);
    expect((await api.call(gina.token, "GET", "/api/v1/bookmarks?max_id=abc")).status).toBe(422);
    expect((await api.call(null, "GET", "/api/v1/bookmarks")).status).toBe(401);
  });
});

describe("pins", () => {
  it("pins own public and unlisted statuses, shows them on the profile and in the featured collection", async () => {
    const a = await post(gina.token, { status: "pin me" });
    const b = await post(gina.token, { status: "me too", visibility: "unlisted" });
    for (const s of [a, b]) {
      const res = await api.call(gina.token, "POST", `/api/v1/statuses/${s.id}/pin`);
      expect(res.status).toBe(200);
      expect(res.body.pinned).toBe(true);
    }
    const pinned = await api.call(hugo.token, "GET", `/api/v1/accounts/${gina.id}/statuses?pinned=true`);
    expect(pinned.body.map((s: any) => s.id)).toEqual([b.id, a.id]);
    expect(pinned.body[0].pinned).toBeUndefined();
    expect((await api.call(gina.token, "GET", `/api/v1/statuses/${a.id}`)).body.pinned).toBe(true);

    const featured = await kith.app!.inject({ method: "GET", url: "/users/gina/collections/featured", headers: { accept: "application/activity+json" } });
    expect(featured.statusCode).toBe(200);
    const items = JSON.parse(featured.body).orderedItems;
    expect(items.map((n: any) => n.id)).toEqual([b.uri, a.uri]);
    expect(items[0].type).toBe("Note");

    const un = await api.call(gina.token, "POST", `/api/v1/statuses/${b.id}/unpin`);
    expect(un.body.pinned).toBe(false);
    expect((await api.call(null, "GET", `/api/v1/accounts/${gina.id}/statuses?pinned=true`)).body.map((s: any) => s.id)).toEqual([a.id]);
  });

  it("422 for others' statuses, private ones and a sixth pin; 404 for bad ids; nothing pinned", async () => {
    const theirs = await post(hugo.token, { status: "not yours" });
    const priv = await post(gina.token, { status: "followers only", visibility: "private" });
    const count = async () => (await api.call(gina.token, "GET", `/api/v1/accounts/${gina.id}/statuses?pinned=true`)).body.length;
    const before = await count();
    expect((await api.call(gina.token, "POST", `/api/v1/statuses/${theirs.id}/pin`)).status).toBe(422);
    const privRes = await api.call(gina.token, "POST", `/api/v1/statuses/${priv.id}/pin`);
    expect(privRes.status).toBe(422);
    expect(privRes.body.error).toMatch(/public and unlisted/);
    expect((await api.call(gina.token, "POST", "/api/v1/statuses/12x/pin")).status).toBe(404);
    expect(await count()).toBe(before);
    for (let i = before; i < 5; i++) expect((await api.call(gina.token, "POST", `/api/v1/statuses/${(await post(gina.token, { status: `pin ${i}` })).id}/pin`)).status).toBe(200);
    const sixth = await api.call(gina.token, "POST", `/api/v1/statuses/${(await post(gina.token, { status: "sixth" })).id}/pin`);
    expect(sixth.status).toBe(422);
    expect(sixth.body.error).toMatch(/maximum/);
    expect(await count()).toBe(5);
    expect((await api.call(gina.readOnly, "POST", `/api/v1/statuses/${theirs.id}/unpin`)).status).toBe(403);
  });
});

describe("thread mutes", () => {
  const mentions = async (token: string) => ((await api.call(token, "GET", "/api/v1/notifications?types[]=mention")).body as any[]).map((n) => n.status?.content as string);

  it("a muted thread brings no mention notifications; unmuting brings them back", async () => {
    const root = await post(gina.token, { status: "a thread" });
    const muted = await api.call(gina.token, "POST", `/api/v1/statuses/${root.id}/mute`);
    expect(muted.status).toBe(200);
    expect(muted.body.muted).toBe(true);
    const reply = await post(hugo.token, { status: "@gina muted reply", in_reply_to_id: root.id });
    await post(hugo.token, { status: "@gina deeper muted reply", in_reply_to_id: reply.id });
    await post(hugo.token, { status: "@gina elsewhere" });
    const seen = await mentions(gina.token);
    expect(seen.some((c) => c.includes("elsewhere"))).toBe(true);
    expect(seen.some((c) => c.includes("muted reply"))).toBe(false);
    expect(await kith.core.statuses.isThreadMuted(gina.id, BigInt(reply.id))).toBe(true);
    expect((await api.call(gina.token, "GET", `/api/v1/statuses/${reply.id}`)).body.muted).toBe(true);
    expect((await api.call(hugo.token, "GET", `/api/v1/statuses/${reply.id}`)).body.muted).toBe(false);

    const unmuted = await api.call(gina.token, "POST", `/api/v1/statuses/${reply.id}/unmute`);
    expect(unmuted.body.muted).toBe(false);
    await post(hugo.token, { status: "@gina audible again", in_reply_to_id: root.id });
    expect((await mentions(gina.token)).some((c) => c.includes("audible again"))).toBe(true);
  });

  it("404 for statuses one cannot see, 403 without write:mutes; nothing muted", async () => {
    const dm = await post(hugo.token, { status: "just me", visibility: "direct" });
    expect((await api.call(gina.token, "POST", `/api/v1/statuses/${dm.id}/mute`)).status).toBe(404);
    const s = await post(hugo.token, { status: "@gina public" });
    expect((await api.call(gina.readOnly, "POST", `/api/v1/statuses/${s.id}/mute`)).status).toBe(403);
    expect(await kith.core.statuses.isThreadMuted(gina.id, BigInt(s.id))).toBe(false);
  });
});

describe("favourited_by and reblogged_by", () => {
  it("list the accounts, newest first, with Link pagination", async () => {
    const s = await post(gina.token, { status: "popular" });
    const others = [];
    for (const name of ["ivy", "jon", "kim"]) {
      const a = await kith.core.accounts.createLocal(name);
      others.push({ id: String(a.id), token: await kith.core.tokens.issue(a.id) });
    }
    for (const o of others) {
      await api.call(o.token, "POST", `/api/v1/statuses/${s.id}/favourite`);
      await api.call(o.token, "POST", `/api/v1/statuses/${s.id}/reblog`);
    }
    for (const path of ["favourited_by", "reblogged_by"]) {
      const page = await api.call(null, "GET", `/api/v1/statuses/${s.id}/${path}?limit=2`);
      expect(page.status).toBe(200);
      expect(page.body.map((a: any) => a.id)).toEqual([others[2]!.id, others[1]!.id]);
      const next = new URL(/<([^>]+)>; rel="next"/.exec(String(page.headers.link))![1]!);
      const rest = await api.call(null, "GET", next.pathname + next.search);
      expect(rest.body.map((a: any) => a.id)).toEqual([others[0]!.id]);
    }
  });

  it("404 for hidden statuses and bad ids, 422 for bad paging", async () => {
    const dm = await post(gina.token, { status: "hidden", visibility: "direct" });
    expect((await api.call(hugo.token, "GET", `/api/v1/statuses/${dm.id}/favourited_by`)).status).toBe(404);
    expect((await api.call(null, "GET", "/api/v1/statuses/abc/reblogged_by")).status).toBe(404);
    const s = await post(gina.token, { status: "x" });
    expect((await api.call(null, "GET", `/api/v1/statuses/${s.id}/favourited_by?max_id=zero`)).status).toBe(422);
  });
});

describe("the viewer's flags on a page", () => {
  it("favourited, reblogged and bookmarked show for the viewer who did it, on a status, its reblog and a timeline page, and for no one else", async () => {
    const s = await post(hugo.token, { status: "flag me" });
    const other = await post(hugo.token, { status: "leave me" });
    expect((await api.call(gina.token, "POST", `/api/v1/statuses/${s.id}/favourite`)).status).toBe(200);
    const reblog = await api.call(gina.token, "POST", `/api/v1/statuses/${s.id}/reblog`);
    expect(reblog.status).toBe(200);
    expect(reblog.body.reblog).toMatchObject({ id: s.id, favourited: true, reblogged: true, bookmarked: false });
    await api.call(gina.token, "POST", `/api/v1/statuses/${s.id}/bookmark`);

    expect((await api.call(gina.token, "GET", `/api/v1/statuses/${s.id}`)).body).toMatchObject({ favourited: true, reblogged: true, bookmarked: true });
    expect((await api.call(hugo.token, "GET", `/api/v1/statuses/${s.id}`)).body).toMatchObject({ favourited: false, reblogged: false, bookmarked: false });
    const page = (await api.call(gina.token, "GET", `/api/v1/accounts/${hugo.id}/statuses?limit=5`)).body;
    expect(page.find((x: any) => x.id === s.id)).toMatchObject({ favourited: true, reblogged: true, bookmarked: true });
    expect(page.find((x: any) => x.id === other.id)).toMatchObject({ favourited: false, reblogged: false, bookmarked: false });
  });
});
