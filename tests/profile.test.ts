import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gif, jpeg, png } from "./helpers/images.ts";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";
import { KithInstance, type TestAccount } from "./helpers/instance.ts";
import { waitFor } from "./helpers/wait.ts";

// Profile edits through PATCH /api/v1/accounts/update_credentials: avatar and
// header files, profile fields, the typed source, refusals that change nothing,
// and a second Kith instance seeing the new profile.

const MAX = 4096;
let kith: InProcess;
let mediaDir: string;
let token: string;
let readOnly: string;

type Part = string | { data: Buffer; type: string };

/** A multipart body as a browser's FormData sends it. */
async function formBody(parts: Record<string, Part>) {
  const form = new FormData();
  for (const [k, v] of Object.entries(parts)) {
    if (typeof v === "string") form.append(k, v);
    else form.append(k, new Blob([new Uint8Array(v.data)], { type: v.type }), "upload.bin");
  }
  const res = new Response(form);
  return { body: Buffer.from(await res.arrayBuffer()), contentType: res.headers.get("content-type")! };
}

const patch = async (parts: Record<string, Part>, t = token) => {
  const { body, contentType } = await formBody(parts);
  return kith.app!.inject({ method: "PATCH", url: "/api/v1/accounts/update_credentials", headers: { "content-type": contentType, authorization: `Bearer ${t}` }, payload: body });
};
const call = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
  kith.app!.inject({ method: method as "GET", url, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers }, payload: body === undefined ? undefined : JSON.stringify(body) });
const me = async () => JSON.parse((await call("GET", "/api/v1/accounts/verify_credentials")).body);
const files = async () => (await readdir(mediaDir).catch(() => [])).length;

beforeAll(async () => {
  mediaDir = await mkdtemp(join(tmpdir(), "kith-profile-"));
  kith = await startInProcess("profile", { KITH_MEDIA_DIR: mediaDir, KITH_MEDIA_MAX_BYTES: String(MAX) });
  const account = await kith.core.accounts.createLocal("pia");
  token = await kith.core.tokens.issue(account.id);
  readOnly = await kith.core.tokens.issue(account.id, ["read"]);
}, 60_000);

afterAll(async () => {
  await kith?.destroy();
  await rm(mediaDir, { recursive: true, force: true });
});

describe("PATCH /api/v1/accounts/update_credentials", () => {
  it("takes an avatar, a header and fields as multipart, serves the files and shows them", async () => {
    const res = await patch({
      display_name: "Pia",
      note: "Hello https://example.com/x #tag",
      avatar: { data: png(4, 4), type: "image/png" },
      header: { data: jpeg(40, 10), type: "application/octet-stream" },
      "fields_attributes[0][name]": "Site",
      "fields_attributes[0][value]": "https://pia.example/",
      "fields_attributes[1][name]": "Pronouns",
      "fields_attributes[1][value]": "she/her <b>",
      "source[privacy]": "unlisted",
      "source[sensitive]": "true",
      "source[language]": "de",
      locked: "true",
      bot: "false",
      discoverable: "false",
      indexable: "false",
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = JSON.parse(res.body);
    expect(body.avatar).toMatch(/\/system\/media\/[a-f0-9]{32}\.png$/);
    expect(body.header).toMatch(/\/system\/media\/[a-f0-9]{32}\.jpg$/);
    expect(body.avatar_static).toBe(body.avatar);
    expect(body).toMatchObject({ display_name: "Pia", locked: true, bot: false, discoverable: false });
    expect(body.fields).toEqual([
      { name: "Site", value: expect.stringContaining('<a href="https://pia.example/"'), verified_at: null },
      { name: "Pronouns", value: "she/her &lt;b&gt;", verified_at: null },
    ]);
    expect(body.note).toContain('<a href="https://example.com/x"');
    expect(body.source).toMatchObject({
      note: "Hello https://example.com/x #tag",
      fields: [
        { name: "Site", value: "https://pia.example/", verified_at: null },
        { name: "Pronouns", value: "she/her <b>", verified_at: null },
      ],
      // No columns for posting defaults yet: accepted, shown as the defaults.
      privacy: "public",
      sensitive: false,
    });

    for (const [url, type] of [[body.avatar, "image/png"], [body.header, "image/jpeg"]] as const) {
      const file = await kith.app!.inject({ method: "GET", url: new URL(url).pathname });
      expect(file.statusCode).toBe(200);
      expect(file.headers["content-type"]).toBe(type);
    }
    const verified = await me();
    expect(verified).toMatchObject({ avatar: body.avatar, header: body.header, fields: body.fields, source: { note: body.source.note, fields: body.source.fields } });
    expect(await files()).toBe(2);
  });

  it("takes fields as a JSON array and replaces the old ones", async () => {
    const res = await call("PATCH", "/api/v1/accounts/update_credentials", { fields_attributes: [{ name: "Only", value: "#kith" }] });
    expect(res.statusCode, res.body).toBe(200);
    const body = JSON.parse(res.body);
    expect(body.fields).toEqual([{ name: "Only", value: expect.stringContaining('class="mention hashtag"'), verified_at: null }]);
    expect(body.source.fields).toEqual([{ name: "Only", value: "#kith", verified_at: null }]);
  });

  it("takes fields as a urlencoded indexed object", async () => {
    const res = await kith.app!.inject({
      method: "PATCH",
      url: "/api/v1/accounts/update_credentials",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/x-www-form-urlencoded" },
      payload: "fields_attributes[0][name]=A&fields_attributes[0][value]=1&fields_attributes[1][name]=B&fields_attributes[1][value]=2",
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(JSON.parse(res.body).source.fields.map((f: { name: string; value: string }) => `${f.name}=${f.value}`)).toEqual(["A=1", "B=2"]);
  });

  it("removes the avatar and header when sent as empty strings", async () => {
    const before = await me();
    const res = await patch({ avatar: "", header: "" });
    expect(res.statusCode, res.body).toBe(200);
    const body = JSON.parse(res.body);
    expect(body.avatar).toMatch(/\/avatars\/original\/missing\.png$/);
    expect(body.header).toMatch(/\/headers\/original\/missing\.png$/);
    expect(body.display_name).toBe(before.display_name);
    // A field not sent is left as it was.
    expect(body.fields).toEqual(before.fields);
  });

  it("refuses bad input and changes nothing", async () => {
    await patch({ avatar: { data: gif(3, 3), type: "image/gif" } });
    const before = await me();
    const stored = await files();
    const refusals: [Record<string, Part>, number, RegExp, string?][] = [
      [{ display_name: "Nope", avatar: { data: Buffer.from("not an image at all"), type: "image/png" } }, 422, /content type/],
      [{ display_name: "Nope", header: { data: png(200, 200, true), type: "image/png" } }, 413, /./],
      [{ display_name: "Nope", avatar: { data: png(2, 2), type: "image/png" }, "fields_attributes[0][name]": "x".repeat(256), "fields_attributes[0][value]": "v" }, 422, /255/],
      [{ display_name: "Nope", avatar: { data: png(2, 2), type: "image/png" }, ...Object.fromEntries([0, 1, 2, 3, 4].flatMap((i) => [[`fields_attributes[${i}][name]`, `n${i}`], [`fields_attributes[${i}][value]`, "v"]])) }, 422, /fields/],
      [{ display_name: "Nope", "source[privacy]": "everyone" }, 422, /privacy/],
      [{ display_name: "Nope", other: { data: png(2, 2), type: "image/png" } }, 422, /other/],
      [{ display_name: "Nope", avatar: { data: png(2, 2), type: "image/png" } }, 403, /scope/i, readOnly],
    ];
    for (const [parts, status, message, t] of refusals) {
      const res = await patch(parts, t ?? token);
      expect(res.statusCode, res.body).toBe(status);
      expect(JSON.parse(res.body).error).toMatch(message);
    }
    const json = await call("PATCH", "/api/v1/accounts/update_credentials", { display_name: "Nope", avatar: "aGVsbG8=" });
    expect(json.statusCode).toBe(422);
    const noToken = await kith.app!.inject({ method: "PATCH", url: "/api/v1/accounts/update_credentials", payload: { display_name: "Nope" } });
    expect(noToken.statusCode).toBe(401);
    expect(await me()).toEqual(before);
    expect(await files()).toBe(stored);
  });
});

describe("profile federation", () => {
  let A: KithInstance;
  let B: KithInstance;
  let alice: TestAccount;
  let bob: TestAccount;
  let aliceOnB: string;

  beforeAll(async () => {
    [A, B] = await Promise.all([KithInstance.create("prof_a"), KithInstance.create("prof_b")]);
    await Promise.all([A.start(), B.start()]);
    [alice, bob] = await Promise.all([A.createAccount("alice"), B.createAccount("bob")]);
    aliceOnB = await B.resolve(bob.token, alice.acct);
    const follow = await B.api(bob.token, "POST", `/api/v1/accounts/${aliceOnB}/follow`);
    expect(follow.status).toBe(200);
    await waitFor(async () => (await A.api(alice.token, "GET", "/api/v1/accounts/verify_credentials")).body.followers_count === 1, "bob follows alice");
  }, 120_000);

  afterAll(async () => {
    await Promise.all([A?.destroy(), B?.destroy()]);
  });

  it("a follower's server sees the new avatar, header and fields", async () => {
    const { body, contentType } = await formBody({
      avatar: { data: png(5, 5), type: "image/png" },
      header: { data: png(30, 10), type: "image/png" },
      "fields_attributes[0][name]": "Home",
      "fields_attributes[0][value]": "https://alice.example/",
    });
    const res = await fetch(`${A.origin}/api/v1/accounts/update_credentials`, { method: "PATCH", headers: { authorization: `Bearer ${alice.token}`, "content-type": contentType }, body });
    expect(res.status).toBe(200);
    const updated = (await res.json()) as { avatar: string; header: string };
    expect(updated.avatar.startsWith(`${A.origin}/system/media/`)).toBe(true);

    const seen = await waitFor(async () => {
      const remote = (await B.api(bob.token, "GET", `/api/v1/accounts/${aliceOnB}`)).body;
      return remote.avatar === updated.avatar ? remote : null;
    }, "B sees alice's new avatar");
    expect(seen.header).toBe(updated.header);
    expect(seen.fields).toEqual([{ name: "Home", value: expect.stringContaining('href="https://alice.example/"'), verified_at: null }]);
    // The file itself is fetchable from the origin server.
    const file = await fetch(updated.avatar);
    expect(file.headers.get("content-type")).toBe("image/png");
  }, 60_000);
});
