import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, mediaEnv } from "./helpers/client.ts";
import { encode, ENCODINGS, formBody, multipartBody, send, type Encoding, type Params } from "./helpers/encodings.ts";
import { randomBytes } from "node:crypto";
import { deflateSync } from "node:zlib";
import { chunk } from "./helpers/images.ts";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";
import { clientToken, registerApp, type App } from "./helpers/oauth-client.ts";

// Parameters read as Mastodon (Rails) reads them, whatever the endpoint:
// booleans by ActiveModel's rule, lists as `id[]=1`, `id=1&id=2` or `id[0]=1`,
// nested keys (`poll[options][]`, `fields_attributes[0][name]`) in query
// strings and in every body encoding, limits read like Ruby's to_i and
// clamped, and the OAuth token endpoint's refusal of grants it does not offer.

let kith: InProcess;
let app: App;
const ids: Record<string, string> = {};
const tokens: Record<string, string> = {};
let call: ReturnType<typeof client>["call"];

// Rails: false only for these; "" is absent; anything else is true.
const FALSE = ["0", "f", "F", "false", "FALSE", "off", "OFF"];
const TRUE = ["1", "t", "true", "True", "TRUE", "yes", "on", "anything"];
type Spelling = { value: string; means: boolean | "absent" };
const SPELLINGS: Spelling[] = [...FALSE.map((value) => ({ value, means: false as const })), ...TRUE.map((value) => ({ value, means: true as const })), { value: "", means: "absent" }];
const named = (s: Spelling) => `${JSON.stringify(s.value)} → ${s.means}`;

const json = async (token: string | null, method: string, url: string, body?: unknown) => {
  const res = await call(token, method, url, body);
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
};
const post = (token: string, body: Params) => json(token, "POST", "/api/v1/statuses", body);
const idsOf = (list: { id: string }[]) => list.map((x) => x.id);

beforeAll(async () => {
  kith = await startInProcess("api_params", mediaEnv());
  call = client(kith).call;
  await kith.core.settings.update({ registrationMode: "open", requireEmail: false, requireReason: false });
  for (const name of ["alice", "bob", "carol", "dave", "erin", "lim"]) {
    const account = await kith.core.accounts.createLocal(name);
    ids[name] = String(account.id);
    tokens[name] = await kith.core.tokens.issue(account.id, ["read", "write", "follow", "push"]);
  }
  const bobPost = await post(tokens.bob!, { status: "bob's post" });
  ids.bobPost = bobPost.id;
  ids.plain = (await post(tokens.alice!, { status: "a plain post" })).id;
  ids.reply = (await post(tokens.alice!, { status: "@bob a reply", in_reply_to_id: bobPost.id })).id;
  const media = await client(kith).upload(tokens.alice!);
  ids.withMedia = (await post(tokens.alice!, { status: "with a picture", media_ids: [media.id] })).id;
  await json(tokens.alice!, "POST", `/api/v1/statuses/${ids.plain}/pin`);
  // Notifications for alice: a follow, a favourite and a mention, from bob.
  await json(tokens.bob!, "POST", `/api/v1/accounts/${ids.alice}/follow`);
  await json(tokens.bob!, "POST", `/api/v1/statuses/${ids.plain}/favourite`);
  await post(tokens.bob!, { status: "@alice hello" });
  for (let i = 0; i < 45; i++) await post(tokens.lim!, { status: `post ${i}` });
  app = await registerApp(kith, "read write follow");
}, 120_000);

afterAll(async () => kith?.destroy());

describe("booleans are read as Rails reads them", () => {
  const accountStatuses = async (query: string) => idsOf(await json(tokens.alice!, "GET", `/api/v1/accounts/${ids.alice}/statuses?${query}`));

  it.each(SPELLINGS.map((s) => [named(s), s] as const))("exclude_replies=%s", async (_, s) => {
    const found = await accountStatuses(`exclude_replies=${encodeURIComponent(s.value)}`);
    expect(found.includes(ids.reply!)).toBe(s.means !== true);
    expect(found).toContain(ids.plain);
  });

  it.each(SPELLINGS.map((s) => [named(s), s] as const))("pinned=%s", async (_, s) => {
    const found = await accountStatuses(`pinned=${encodeURIComponent(s.value)}`);
    expect(found).toEqual(s.means === true ? [ids.plain] : expect.arrayContaining([ids.plain, ids.reply, ids.withMedia]));
  });

  it.each(SPELLINGS.map((s) => [named(s), s] as const))("only_media=%s", async (_, s) => {
    const found = await accountStatuses(`only_media=${encodeURIComponent(s.value)}`);
    expect(found).toEqual(s.means === true ? [ids.withMedia] : expect.arrayContaining([ids.plain, ids.reply, ids.withMedia]));
  });

  it.each(SPELLINGS.map((s) => [named(s), s] as const))("search resolve=%s (toot sends resolve=True)", async (_, s) => {
    const asked: string[] = [];
    const previous = kith.core.resolver;
    kith.core.resolver = { resolveStatus: async (uri) => (asked.push(uri), null) };
    try {
      const q = encodeURIComponent("https://remote.invalid/notes/1");
      const res = await call(tokens.alice!, "GET", `/api/v2/search?q=${q}&type=statuses&resolve=${encodeURIComponent(s.value)}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(asked.length).toBe(s.means === true ? 1 : 0);
    } finally {
      kith.core.resolver = previous;
    }
  });

  const carriers = [...ENCODINGS, "query"] as const;
  it.each(carriers.flatMap((carrier) => SPELLINGS.map((s) => [`${carrier} ${named(s)}`, carrier, s] as const)))("POST /api/v1/statuses sensitive in %s", async (_, carrier, s) => {
    const res = await send(kith, { method: "POST", url: "/api/v1/statuses", token: tokens.carol, encoding: carrier, params: { status: "hi", sensitive: s.value } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.sensitive).toBe(s.means === true);
  });

  it.each(["form", "multipart", "query"].flatMap((carrier) => SPELLINGS.map((s) => [`${carrier} ${named(s)}`, carrier as Encoding | "query", s] as const)))(
    "POST mute notifications in %s (absent means true)",
    async (_, carrier, s) => {
      const res = await send(kith, { method: "POST", url: `/api/v1/accounts/${ids.dave}/mute`, token: tokens.carol, encoding: carrier, params: { notifications: s.value } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.muting_notifications).toBe(s.means !== false);
    },
  );

  it.each(SPELLINGS.map((s) => [named(s), s] as const))("POST follow reblogs=%s (form; empty leaves the follow as it is)", async (_, s) => {
    const res = await send(kith, { method: "POST", url: `/api/v1/accounts/${ids.erin}/follow`, token: tokens.carol, encoding: "form", params: { reblogs: s.value } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    // An empty reblogs= is no choice: the follow keeps what the row before it set.
    if (s.means === "absent") return;
    expect(res.body.showing_reblogs).toBe(s.means);
  });

  it("JSON booleans stay booleans, JSON 0 and 1 are numbers Rails casts, and strings in JSON follow the same rule", async () => {
    for (const [value, sensitive] of [[true, true], [false, false], [1, true], [0, false], ["False", true], ["FALSE", false], [null, false]] as const) {
      const res = await call(tokens.carol!, "POST", "/api/v1/statuses", { status: "hi", sensitive: value });
      expect([value, res.status, res.body.sensitive]).toEqual([value, 200, sensitive]);
    }
  });

  it("a list or an object where a boolean belongs is a 422 that says so", async () => {
    const res = await call(tokens.carol!, "POST", "/api/v1/statuses", { status: "hi", sensitive: { a: 1 } });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(/sensitive: must be true or false/);
    const form = await send(kith, { method: "POST", url: "/api/v1/statuses", token: tokens.carol, encoding: "form", params: { status: "hi", sensitive: ["1", "0"] } });
    expect(form.status).toBe(422);
    expect(form.body.error).toMatch(/sensitive: must be true or false/);
  });
});

describe("lists: id[]=1&id[]=2, id=1&id=2, id[0]=1 and a single id=1 all mean the list", () => {
  const spellings = (key: string, values: string[]) => ({
    brackets: values.map((v) => `${key}[]=${v}`).join("&"),
    repeated: values.map((v) => `${key}=${v}`).join("&"),
    indexed: values.map((v, i) => `${key}[${i}]=${v}`).join("&"),
  });
  const each = (key: string, values: () => string[]) =>
    ["brackets", "repeated", "indexed"].map((style) => [style, () => spellings(key, values())[style as "brackets"]] as const);

  it.each(each("id", () => [ids.bob!, ids.carol!]))("relationships with %s", async (_, query) => {
    expect(idsOf(await json(tokens.alice!, "GET", `/api/v1/accounts/relationships?${query()}`))).toEqual([ids.bob, ids.carol]);
  });

  it.each(each("id", () => [ids.plain!, ids.reply!]))("GET /api/v1/statuses with %s", async (_, query) => {
    expect(idsOf(await json(tokens.alice!, "GET", `/api/v1/statuses?${query()}`))).toEqual([ids.plain, ids.reply]);
  });

  it.each(each("id", () => [ids.bob!, ids.carol!]))("GET /api/v1/accounts with %s", async (_, query) => {
    expect(idsOf(await json(tokens.alice!, "GET", `/api/v1/accounts?${query()}`))).toEqual([ids.bob, ids.carol]);
  });

  it("a single id, with or without brackets", async () => {
    for (const query of [`id=${ids.bob}`, `id[]=${ids.bob}`]) expect(idsOf(await json(tokens.alice!, "GET", `/api/v1/accounts/relationships?${query}`))).toEqual([ids.bob]);
  });

  it.each(each("exclude_types", () => ["favourite", "follow"]))("notifications exclude_types with %s", async (_, query) => {
    for (const version of ["v1", "v2"]) {
      const body = await json(tokens.alice!, "GET", `/api/${version}/notifications?${query()}`);
      const types = (version === "v1" ? body : body.notification_groups).map((n: { type: string }) => n.type);
      expect(types, version).toEqual(["mention"]);
    }
  });

  it.each(each("types", () => ["favourite", "follow"]))("notifications types with %s", async (_, query) => {
    const types = (await json(tokens.alice!, "GET", `/api/v1/notifications?${query()}`)).map((n: { type: string }) => n.type);
    expect(types.sort()).toEqual(["favourite", "follow"]);
  });

  it.each(ENCODINGS.flatMap((encoding) => (["brackets", "repeated"] as const).map((style) => [`${encoding} ${style}`, encoding, style] as const)))(
    "media_ids in a %s body",
    async (_, encoding, style) => {
      const [m1, m2] = [await client(kith).upload(tokens.carol!), await client(kith).upload(tokens.carol!)];
      const params = { status: "two", media_ids: [m1.id, m2.id] };
      // `media_ids=1&media_ids=2`: the same key twice, without brackets (JSON has a list either way).
      const pairs: [string, string][] = [["status", "two"], ["media_ids", m1.id], ["media_ids", m2.id]];
      const body = style === "brackets" || encoding === "json" ? encode(params, encoding) : encoding === "form" ? { payload: formBody(pairs), contentType: "application/x-www-form-urlencoded" } : multipartBody(pairs);
      const res = await kith.app!.inject({ method: "POST", url: "/api/v1/statuses", headers: { authorization: `Bearer ${tokens.carol}`, "content-type": body.contentType }, payload: body.payload });
      expect(res.statusCode, res.body).toBe(200);
      expect(JSON.parse(res.body).media_attachments.map((m: { id: string }) => m.id)).toEqual([m1.id, m2.id]);
    },
  );

  it("a single media_ids=1 in a form is a list of one", async () => {
    const m = await client(kith).upload(tokens.carol!);
    const res = await send(kith, { method: "POST", url: "/api/v1/statuses", token: tokens.carol, encoding: "form", params: { status: "one", media_ids: m.id } });
    expect(res.body.media_attachments.map((x: { id: string }) => x.id)).toEqual([m.id]);
  });

  it.each([...ENCODINGS, "query"] as const)("list account_ids in %s, in both spellings", async (carrier) => {
    const list = await json(tokens.bob!, "POST", "/api/v1/lists", { title: `members ${carrier}` });
    const add = await send(kith, { method: "POST", url: `/api/v1/lists/${list.id}/accounts`, token: tokens.bob, encoding: carrier, params: { account_ids: [ids.alice] } });
    expect(add.status, JSON.stringify(add.body)).toBe(200);
    expect(idsOf(await json(tokens.bob!, "GET", `/api/v1/lists/${list.id}/accounts`))).toEqual([ids.alice]);
    const remove = await kith.app!.inject({
      method: "DELETE",
      url: `/api/v1/lists/${list.id}/accounts?account_ids=${ids.alice}`,
      headers: { authorization: `Bearer ${tokens.bob}` },
    });
    expect(remove.statusCode).toBe(200);
    expect(await json(tokens.bob!, "GET", `/api/v1/lists/${list.id}/accounts`)).toEqual([]);
  });
});

describe("nested parameters in query strings, form and multipart bodies", () => {
  const poll = { status: "which?", poll: { options: ["a", "b"], expires_in: 3600, multiple: true } };

  it.each([...ENCODINGS, "query"] as const)("poll[options][]=a&poll[expires_in]=3600 in %s", async (carrier) => {
    const res = await send(kith, { method: "POST", url: "/api/v1/statuses", token: tokens.carol, encoding: carrier, params: poll });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.poll).toMatchObject({ options: [{ title: "a" }, { title: "b" }], multiple: true, expired: false });
  });

  it.each([...(["form", "multipart", "query"] as const).flatMap((c) => (["indexed", "brackets"] as const).map((style) => [`${c} ${style}`, c, style] as const)), ["json", "json", "brackets"] as const])(
    "fields_attributes and source[privacy] in %s",
    async (_, carrier, style) => {
      const params = { display_name: `Carol ${carrier}`, fields_attributes: [{ name: "Home", value: "here" }, { name: "Pronouns", value: "she/her" }], source: { privacy: "unlisted" } };
      const res = await send(kith, { method: "PATCH", url: "/api/v1/accounts/update_credentials", token: tokens.carol, encoding: carrier as Encoding | "query", style, params });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.display_name).toBe(`Carol ${carrier}`);
      expect(res.body.fields.map((f: { name: string; value: string }) => [f.name, f.value])).toEqual([
        ["Home", "here"],
        ["Pronouns", "she/her"],
      ]);
      const bad = await send(kith, { method: "PATCH", url: "/api/v1/accounts/update_credentials", token: tokens.carol, encoding: carrier as Encoding | "query", style, params: { source: { privacy: "everyone" } } });
      expect(bad.status).toBe(422);
      expect(bad.body.error).toMatch(/source\.privacy/);
    },
  );

  it("a key naming __proto__ changes no object's prototype", async () => {
    const probe = "kithPolluted";
    for (const payload of [`title=p&__proto__[${probe}]=yes`, `title=p&constructor[prototype][${probe}]=yes`]) {
      const form = await kith.app!.inject({ method: "POST", url: "/api/v1/lists", headers: { authorization: `Bearer ${tokens.carol}`, "content-type": "application/x-www-form-urlencoded" }, payload });
      expect(form.statusCode).toBeLessThan(500);
      const query = await kith.app!.inject({ method: "GET", url: `/api/v1/timelines/home?${payload}`, headers: { authorization: `Bearer ${tokens.carol}` } });
      expect(query.statusCode).toBeLessThan(500);
    }
    expect((({}) as Record<string, unknown>)[probe]).toBeUndefined();
  });
});

describe("limit is read like Ruby's to_i and clamped, never refused", () => {
  const cases: [string | undefined, number][] = [
    [undefined, 20],
    ["1", 1],
    ["40", 40],
    ["41", 40],
    ["1000", 40],
    ["-3", 3],
    ["5abc", 5],
    [" 7", 7],
    ["2.9", 2],
    ["abc", 20],
    ["", 20],
    ["0", 20],
  ];
  it.each(cases)("limit=%s gives %i statuses", async (limit, count) => {
    const query = limit === undefined ? "" : `?limit=${encodeURIComponent(limit)}`;
    expect(await json(tokens.alice!, "GET", `/api/v1/accounts/${ids.lim}/statuses${query}`)).toHaveLength(count);
  });

  const lists = [
    "/api/v1/timelines/public",
    "/api/v1/timelines/home",
    "/api/v1/accounts/{lim}/followers",
    "/api/v1/notifications",
    "/api/v2/notifications",
    "/api/v1/notifications/unread_count",
    "/api/v1/favourites",
    "/api/v1/bookmarks",
    "/api/v1/blocks",
    "/api/v1/mutes",
    "/api/v1/domain_blocks",
    "/api/v1/follow_requests",
    "/api/v1/followed_tags",
    "/api/v1/conversations",
    "/api/v2/suggestions",
    "/api/v1/trends/tags",
    "/api/v1/trends/statuses",
    "/api/v2/search?q=post",
    "/api/v1/accounts/search?q=lim",
  ];
  it.each(lists.flatMap((url) => ["abc", "100000", "", "0", "1.5", "99999999999999999999999"].map((limit) => [url, limit] as const)))("%s with limit=%s is answered", async (url, limit) => {
    const full = url.replace("{lim}", ids.lim!) + (url.includes("?") ? "&" : "?") + `limit=${encodeURIComponent(limit)}`;
    const res = await call(tokens.alice!, "GET", full);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });

  it("search and the home timeline refuse negative pagination values with a 400, as Mastodon does", async () => {
    for (const url of ["/api/v2/search?q=post&limit=-1", "/api/v2/search?q=post&offset=-5", "/api/v1/timelines/home?limit=-2"]) {
      const res = await call(tokens.alice!, "GET", url);
      expect([url, res.status, res.body]).toEqual([url, 400, { error: "Pagination values for `offset` and `limit` must be positive" }]);
    }
  });

  it("offset is read like to_i too", async () => {
    for (const offset of ["abc", "", "1x"]) expect((await call(tokens.alice!, "GET", `/api/v1/accounts/search?q=lim&offset=${offset}`)).status).toBe(200);
    expect((await call(tokens.alice!, "GET", "/api/v1/accounts/search?q=lim&offset=-1")).status).toBe(200);
  });
});

describe("bodies in every encoding: the examples of the issue", () => {
  it("curl -F client_name=x -F redirect_uris=urn:ietf:wg:oauth:2.0:oob /api/v1/apps registers the app", async () => {
    const res = await send(kith, { method: "POST", url: "/api/v1/apps", encoding: "multipart", params: { client_name: "x", redirect_uris: "urn:ietf:wg:oauth:2.0:oob" } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ name: "x", redirect_uris: ["urn:ietf:wg:oauth:2.0:oob"], client_id: expect.any(String) });
  });

  it("curl -F status=hi /api/v1/statuses posts", async () => {
    const res = await send(kith, { method: "POST", url: "/api/v1/statuses", token: tokens.carol, encoding: "multipart", params: { status: "hi" } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.content).toContain("hi");
  });

  it("curl -F on sign-up, with a file where none is taken: a 422 that names the field", async () => {
    const token = await clientToken(kith, app, "read write follow");
    const res = await send(kith, {
      method: "POST",
      url: "/api/v1/accounts",
      token,
      encoding: "multipart",
      params: { username: "multipartuser", password: "correct horse battery", agreement: "1", locale: "en" },
      files: [{ name: "note", data: Buffer.from("x"), type: "text/plain" }],
    });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(/note: files cannot be uploaded here/);
  });

  it("a multipart body that cannot be read is a 400 that says so", async () => {
    const res = await kith.app!.inject({
      method: "POST",
      url: "/api/v1/statuses",
      headers: { authorization: `Bearer ${tokens.carol}`, "content-type": "multipart/form-data; boundary=nothere" },
      payload: "status=hi",
    });
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).error).toMatch(/multipart/);
  });

  it("a body over the size limit is a 413 in every encoding", async () => {
    const big = "x".repeat(kith.core.config.maxBodyBytes + 10);
    for (const encoding of ENCODINGS) {
      const res = await send(kith, { method: "POST", url: "/api/v1/statuses", token: tokens.carol, encoding, params: { status: big } });
      expect([encoding, res.status]).toEqual([encoding, 413]);
    }
  });
});

/** An RGB PNG of random pixels: as large as its pixels, whatever deflate does. */
function noisyPng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const rows = randomBytes((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) rows[y * (width * 3 + 1)] = 0;
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk("IHDR", ihdr), chunk("IDAT", deflateSync(rows)), chunk("IEND", Buffer.alloc(0))]);
}

describe("a route that takes files has room for them, and only for them", () => {
  it("update_credentials takes an avatar larger than a text body may be; a JSON body that large is a 413", async () => {
    const avatar = noisyPng(700, 700);
    expect(avatar.length).toBeGreaterThan(kith.core.config.maxBodyBytes);
    const res = await send(kith, { method: "PATCH", url: "/api/v1/accounts/update_credentials", token: tokens.erin, encoding: "multipart", params: { display_name: "Erin" }, files: [{ name: "avatar", data: avatar, type: "image/png" }] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.avatar).toMatch(/\/system\/media\//);
    const json = await send(kith, { method: "PATCH", url: "/api/v1/accounts/update_credentials", token: tokens.erin, encoding: "json", params: { display_name: "Erin", note: "x".repeat(avatar.length) } });
    expect(json.status).toBe(413);
  });
});

describe("OAuth token endpoint", () => {
  it.each(ENCODINGS)("grant_type=password is refused as unsupported_grant_type (RFC 6749 5.2), sent as %s", async (encoding) => {
    const res = await send(kith, {
      method: "POST",
      url: "/oauth/token",
      encoding,
      params: { grant_type: "password", username: "alice", password: "whatever", client_id: app.client_id, client_secret: app.client_secret, scope: "read" },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: "unsupported_grant_type", error_description: expect.stringMatching(/not supported/) });
  });

  it("any other unknown grant is refused the same way, with or without client credentials", async () => {
    for (const params of [{ grant_type: "magic", client_id: app.client_id, client_secret: app.client_secret }, { grant_type: "password" }, { grant_type: "urn:ietf:params:oauth:grant-type:device_code" }]) {
      const res = await send(kith, { method: "POST", url: "/oauth/token", encoding: "form", params });
      expect([params.grant_type, res.status, res.body.error]).toEqual([params.grant_type, 400, "unsupported_grant_type"]);
    }
  });

  it("client credentials in the query string are not read: they would end up in logs", async () => {
    const query = new URLSearchParams({ grant_type: "client_credentials", client_id: app.client_id, client_secret: app.client_secret });
    const res = await kith.app!.inject({ method: "POST", url: `/oauth/token?${query}` });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
  });

  it.each(ENCODINGS)("client_credentials works sent as %s", async (encoding) => {
    const res = await send(kith, { method: "POST", url: "/oauth/token", encoding, params: { grant_type: "client_credentials", client_id: app.client_id, client_secret: app.client_secret, scope: "read" } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.scope).toBe("read");
  });
});
