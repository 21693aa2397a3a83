import { readFixture } from "./helpers/fixtures.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";

// What the instance says about itself: /api/v1|v2/instance and friends (in
// Mastodon's shapes), NodeInfo, and the /about, /rules, /terms, /privacy pages.

let kith: InProcess;
let token: string;
let contactId: bigint;

const fixture = (name: string) => readFixture(`mastodon/${name}`);
const get = async (url: string, auth?: string) => {
  const res = await kith.app!.inject({ method: "GET", url, headers: auth ? { authorization: `Bearer ${auth}` } : {} });
  const isJson = String(res.headers["content-type"]).includes("json");
  return { status: res.statusCode, body: isJson ? JSON.parse(res.body) : res.body, type: String(res.headers["content-type"]) };
};

/** Every key of the fixture is in the value, recursively into objects (arrays: their first element). */
function expectSameKeys(actual: any, expected: any, path = "") {
  if (expected === null || typeof expected !== "object" || actual === null) return;
  if (Array.isArray(expected)) {
    if (expected.length && Array.isArray(actual) && actual.length) expectSameKeys(actual[0], expected[0], `${path}[0]`);
    return;
  }
  for (const key of Object.keys(expected)) {
    if (key === "translations") continue;
    expect(actual, `${path}.${key}`).toHaveProperty([key]);
    expectSameKeys(actual[key], expected[key], `${path}.${key}`);
  }
}

beforeAll(async () => {
  kith = await startInProcess("instance");
  const me = await kith.core.accounts.createLocal("admin");
  contactId = me.id;
  token = await kith.core.tokens.issue(me.id, ["read"]);
  await kith.core.settings.update({
    title: "Tea <Club>",
    shortDescription: "A place for tea & talk",
    about: "We drink tea.\n\nWe talk <b>kindly</b>.",
    contactEmail: "staff@tea.example",
    contactAccountId: String(me.id),
    registrationMode: "approval",
  });
  await kith.core.rules.add({ text: "Be kind", hint: "to everyone" });
  await kith.core.rules.add({ text: "No <script>" });
}, 60_000);

afterAll(async () => kith?.destroy());

describe("GET /api/v2/instance and /api/v1/instance", () => {
  it("v2 has every field of Mastodon's entity", async () => {
    const res = await get("/api/v2/instance");
    expect(res.status).toBe(200);
    const expected = fixture("entity-instance-v2.json");
    // The documentation's example misspells max_display_name_length; Mastodon's serializer does not.
    const { max_display_name_lenth: _typo, ...accounts } = expected.configuration.accounts;
    expect(res.body.configuration.accounts.max_display_name_length).toBe(30);
    // Kith has no icons or thumbnail versions to list.
    expectSameKeys(res.body, { ...expected, configuration: { ...expected.configuration, accounts }, icon: [], thumbnail: { url: "", blurhash: null, versions: {} } });
    expect(res.body).toMatchObject({
      domain: kith.core.config.domain,
      title: "Tea <Club>",
      description: "A place for tea & talk",
      api_versions: { mastodon: 2 },
      registrations: { enabled: true, approval_required: true, url: null },
      contact: { email: "staff@tea.example", account: { id: String(contactId), username: "admin" } },
      configuration: { statuses: { max_characters: 500, max_media_attachments: 4 }, polls: { max_options: 4 }, limited_federation: false },
    });
    expect(res.body.rules.map((r: any) => r.text)).toEqual(["Be kind", "No <script>"]);
    expect(res.body.rules[0]).toMatchObject({ hint: "to everyone" });
    expect(res.body.configuration.media_attachments.image_size_limit).toBeGreaterThan(0);
    expect((await get(res.body.thumbnail.url.replace(kith.core.urls.origin, ""))).type).toBe("image/png");
  });

  it("v1 has every field of Mastodon's V1::Instance", async () => {
    const res = await get("/api/v1/instance");
    expect(res.status).toBe(200);
    expectSameKeys(res.body, fixture("entity-instance-v1.json"));
    expect(res.body).toMatchObject({ uri: kith.core.config.domain, title: "Tea <Club>", email: "staff@tea.example", registrations: true, approval_required: true });
    expect(res.body.stats.user_count).toBe(1);
  });

  it("registrations follow the mode; NodeInfo agrees", async () => {
    const nodeinfo = async () => {
      const res = await kith.app!.inject({ method: "GET", url: "/nodeinfo/2.1" });
      return JSON.parse(res.body);
    };
    expect((await nodeinfo()).openRegistrations).toBe(true);
    await kith.core.settings.update({ registrationMode: "closed", closedRegistrationsMessage: "Full up." });
    try {
      expect((await get("/api/v2/instance")).body.registrations).toMatchObject({ enabled: false, approval_required: false, message: "<p>Full up.</p>" });
      expect((await get("/api/v1/instance")).body.registrations).toBe(false);
      expect(await nodeinfo()).toMatchObject({ openRegistrations: false, metadata: { nodeName: "Tea <Club>" } });
    } finally {
      await kith.core.settings.update({ registrationMode: "approval", closedRegistrationsMessage: "" });
    }
  });
});

describe("the smaller instance endpoints", () => {
  it("rules, peers, activity", async () => {
    expect((await get("/api/v1/instance/rules")).body).toEqual([
      { id: expect.any(String), text: "Be kind", hint: "to everyone", translations: {} },
      { id: expect.any(String), text: "No <script>", hint: "", translations: {} },
    ]);
    expect((await get("/api/v1/instance/peers")).body).toEqual([]);
    const activity = (await get("/api/v1/instance/activity")).body;
    expect(activity).toHaveLength(12);
    expect(activity[0]).toEqual({ week: expect.stringMatching(/^\d+$/), statuses: "0", logins: "0", registrations: "1" });
  });

  it("extended description and privacy policy as escaped HTML; terms 404 until written", async () => {
    const about = (await get("/api/v1/instance/extended_description")).body;
    expect(about.content).toBe("<p>We drink tea.</p><p>We talk &lt;b&gt;kindly&lt;/b&gt;.</p>");
    expect(Date.parse(about.updated_at)).toBeGreaterThan(0);
    expect((await get("/api/v1/instance/privacy_policy")).body.content).toBe("");
    expect((await get("/api/v1/instance/terms_of_service")).status).toBe(404);
    await kith.core.settings.update({ terms: "Play nice.", privacyPolicy: "We keep little." });
    expect((await get("/api/v1/instance/terms_of_service")).body).toMatchObject({ effective: true, content: "<p>Play nice.</p>", succeeded_by: null });
    expect((await get("/api/v1/instance/privacy_policy")).body.content).toBe("<p>We keep little.</p>");
  });

  it("custom emoji, announcements and preferences", async () => {
    expect((await get("/api/v1/custom_emojis")).body).toEqual([]);
    expect((await get("/api/v1/announcements")).status).toBe(401);
    expect((await get("/api/v1/announcements", token)).body).toEqual([]);
    expect((await get("/api/v1/preferences")).status).toBe(401);
    const prefs = await get("/api/v1/preferences", token);
    expect(prefs.body).toMatchObject({ "posting:default:visibility": "public", "posting:default:sensitive": false, "reading:expand:spoilers": false });
    const noScope = await kith.core.tokens.issue(contactId, ["write"]);
    expect((await get("/api/v1/preferences", noScope)).status).toBe(403);
  });
});

describe("HTML pages", () => {
  it("/about shows title, description, about text, rules, contact and sign-up mode, escaped", async () => {
    const res = await get("/about");
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/text\/html/);
    expect(res.body).toContain("<h1>Tea &lt;Club&gt;</h1>");
    expect(res.body).toContain("A place for tea &amp; talk");
    expect(res.body).toContain("We talk &lt;b&gt;kindly&lt;/b&gt;.");
    expect(res.body).toContain("<li>No &lt;script&gt;</li>");
    expect(res.body).toContain("staff@tea.example");
    expect(res.body).toContain(`@admin@${kith.core.config.domain}`);
    expect(res.body).toMatch(/moderator approves/);
    expect(res.body).not.toMatch(/<script/i);
  });

  it("/rules, /terms and /privacy", async () => {
    expect((await get("/rules")).body).toContain("<li>Be kind<br><small>to everyone</small></li>");
    expect((await get("/terms")).body).toContain("<p>Play nice.</p>");
    expect((await get("/privacy")).body).toContain("<p>We keep little.</p>");
    await kith.core.settings.update({ terms: "" });
    expect((await get("/terms")).status).toBe(404);
  });
});
