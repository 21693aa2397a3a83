import { createECDH, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, mediaEnv } from "./helpers/client.ts";
import { ENCODINGS, send, type Encoding, type FilePart, type Params } from "./helpers/encodings.ts";
import { png } from "./helpers/images.ts";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";
import { clientToken, CookieJar, hiddenFields, registerApp, type App } from "./helpers/oauth-client.ts";
import { waitFor } from "./helpers/wait.ts";

// Every write endpoint Kith serves takes its parameters as a JSON body, a
// form-encoded body or a multipart/form-data body, as Mastodon (Rails) does.
// The endpoints are listed from the running app, so a new one fails this
// suite until it has a case here: each case makes what one request needs
// (fresh where the request uses something up), the request is sent in each
// encoding, and the three answers must agree: same status, same JSON shape,
// the values sent echoed in the same places. None may be a 415 or a 500, nor
// a 400 or 422 unless the case says why.

let kith: InProcess;
let app: App;
let appToken: string;
let owner: string;
/** The username of an account with a password, for the authorization form. */
let signedUpName: string;
const ids: Record<string, string> = {};
const tokens: Record<string, string> = {};
const names: Record<string, string> = {};

const PASSWORD = "correct horse battery";
const SCOPES = ["read", "write", "follow", "push", "admin:read", "admin:write"];
let serial = 0;
const unique = (prefix: string) => `${prefix}${++serial}`;

const api = async (token: string | null, method: string, url: string, body?: unknown) => {
  const res = await client(kith).call(token, method, url, body);
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
};

/** A new local account and a token with every scope. */
async function freshUser(prefix = "u") {
  const account = await kith.core.accounts.createLocal(unique(prefix));
  return { id: String(account.id), username: account.username, token: await kith.core.tokens.issue(account.id, SCOPES) };
}
const freshId = async () => (await freshUser()).id;

/** A signed-up account (with a user and a password), pending when registrations need approval. */
async function signUp(mode: "open" | "approval" = "open") {
  await kith.core.settings.update({ registrationMode: mode });
  try {
    const username = unique("signup");
    const { access_token } = await api(appToken, "POST", "/api/v1/accounts", { username, password: PASSWORD, agreement: true, locale: "en", reason: "hello" });
    const accounts = await api(owner, "GET", `/api/v1/admin/accounts?username=${username}${mode === "approval" ? "&pending=true" : ""}`);
    return { id: accounts[0].id as string, username, token: access_token as string };
  } finally {
    await kith.core.settings.update({ registrationMode: "open" });
  }
}

const post = async (token: string, body: Params = {}) => (await api(token, "POST", "/api/v1/statuses", { status: "a post", ...body })).id as string;
const pushKeys = () => ({ p256dh: createECDH("prime256v1").generateKeys().toString("base64url"), auth: randomBytes(16).toString("base64url") });
const future = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
const image = (): FilePart => ({ name: "file", data: png(2, 2), type: "image/png", filename: "pixel.png" });

type Request = { url?: string; params?: Params; token?: string | null; files?: FilePart[]; headers?: Record<string, string> };
type Case = {
  /** What one request needs; called once per encoding. The owner's token unless `token` says otherwise. */
  prepare?: (encoding: Encoding) => Promise<Request>;
  /** The status every encoding must get (200 unless said), or one per encoding. */
  status?: number | Record<Encoding, number>;
  /** Why this case expects a refusal. */
  why?: string;
};

const same = (params: Params): Case["prepare"] => async () => ({ params });
const onFresh = (path: (id: string) => string, make: () => Promise<string>, params: Params = {}): Case["prepare"] => async () => ({ url: path(await make()), params });

/** Routes that take no client parameters in any encoding, with the reason. */
const EXCLUDED: Record<string, string> = {
  "POST /*": "ActivityPub inboxes: JSON-LD activities from servers, not client parameters",
};

const CASES: Record<string, Case> = {
  // ---- accounts ----
  "POST /api/v1/accounts": { prepare: async () => ({ token: appToken, params: { username: unique("new"), password: PASSWORD, agreement: true, locale: "en" } }) },
  "PATCH /api/v1/accounts/update_credentials": {
    prepare: async () => ({
      token: tokens.profile,
      params: { display_name: "Encoded", note: "about me", locked: false, bot: true, discoverable: true, fields_attributes: [{ name: "Site", value: "here" }], source: { privacy: "unlisted", sensitive: false, language: "en" } },
    }),
  },
  "POST /api/v1/accounts/:id/follow": { prepare: onFresh((id) => `/api/v1/accounts/${id}/follow`, freshId, { reblogs: false, notify: true, languages: ["en"] }) },
  "POST /api/v1/accounts/:id/unfollow": { prepare: onFresh((id) => `/api/v1/accounts/${id}/unfollow`, async () => followed(await freshId())) },
  "POST /api/v1/accounts/:id/block": { prepare: onFresh((id) => `/api/v1/accounts/${id}/block`, freshId) },
  "POST /api/v1/accounts/:id/unblock": { prepare: onFresh((id) => `/api/v1/accounts/${id}/unblock`, async () => acted("block", await freshId())) },
  "POST /api/v1/accounts/:id/mute": { prepare: onFresh((id) => `/api/v1/accounts/${id}/mute`, freshId, { notifications: false, duration: 0 }) },
  "POST /api/v1/accounts/:id/unmute": { prepare: onFresh((id) => `/api/v1/accounts/${id}/unmute`, async () => acted("mute", await freshId())) },
  // A fresh account each time, so every encoding adds (or removes) the same alias, bob.
  "POST /api/v1/accounts/aliases": { prepare: async () => ({ token: (await freshUser("alias")).token, params: { acct: names.bob! } }) },
  "DELETE /api/v1/accounts/aliases": { prepare: async () => ({ token: await aliased(), params: { acct: names.bob! } }) },
  // A fresh signed-up account each time, moving to a fresh account that names it as an alias.
  "POST /api/v1/accounts/migration": {
    prepare: async () => {
      const { token, target } = await movable();
      return { token, params: { acct: target, password: PASSWORD } };
    },
  },
  "DELETE /api/v1/accounts/migration": { prepare: async () => ({ token: await moved() }) },
  "POST /api/v1/imports": { prepare: async () => ({ token: (await freshUser("importer")).token, params: { type: "domain_blocks", mode: "merge", data: "imported.example\n" } }) },
  "POST /api/v1/accounts/:id/note": { prepare: async () => ({ url: `/api/v1/accounts/${ids.bob}/note`, params: { comment: "met at the fair" } }) },
  "POST /api/v1/follow_requests/:id/authorize": { prepare: async () => ({ url: `/api/v1/follow_requests/${await requester()}/authorize`, token: tokens.lena }) },
  "POST /api/v1/follow_requests/:id/reject": { prepare: async () => ({ url: `/api/v1/follow_requests/${await requester()}/reject`, token: tokens.lena }) },
  "DELETE /api/v1/suggestions/:account_id": { prepare: async () => ({ url: `/api/v1/suggestions/${ids.bob}` }) },
  "POST /api/v1/domain_blocks": { prepare: async () => ({ params: { domain: `${unique("blocked")}.example` } }) },
  "DELETE /api/v1/domain_blocks": {
    prepare: async () => {
      const domain = `${unique("unblocked")}.example`;
      await api(owner, "POST", "/api/v1/domain_blocks", { domain });
      return { params: { domain } };
    },
  },
  "POST /api/v1/tags/:name/follow": { prepare: async () => ({ url: "/api/v1/tags/encodings/follow" }) },
  "POST /api/v1/tags/:name/unfollow": { prepare: async () => ({ url: "/api/v1/tags/encodings/unfollow" }) },

  // ---- statuses ----
  "POST /api/v1/statuses": {
    prepare: same({ status: "Hello", visibility: "unlisted", sensitive: true, spoiler_text: "cw", language: "en", poll: { options: ["yes", "no"], expires_in: 3600, multiple: true, hide_totals: false } }),
  },
  "PUT /api/v1/statuses/:id": { prepare: onFresh((id) => `/api/v1/statuses/${id}`, () => post(owner), { status: "Edited", spoiler_text: "cw", sensitive: true, language: "en" }) },
  "DELETE /api/v1/statuses/:id": { prepare: onFresh((id) => `/api/v1/statuses/${id}`, () => post(owner), { delete_media: true }) },
  ...statusActions(),
  "PUT /api/v1/scheduled_statuses/:id": {
    prepare: async () => {
      const scheduled = await api(owner, "POST", "/api/v1/statuses", { status: "later", scheduled_at: future(60) });
      return { url: `/api/v1/scheduled_statuses/${scheduled.id}`, params: { scheduled_at: "2099-01-02T03:04:05.000Z" } };
    },
  },
  "DELETE /api/v1/scheduled_statuses/:id": { prepare: onFresh((id) => `/api/v1/scheduled_statuses/${id}`, async () => (await api(owner, "POST", "/api/v1/statuses", { status: "later", scheduled_at: future(60) })).id) },
  "POST /api/v1/polls/:id/votes": { prepare: onFresh((id) => `/api/v1/polls/${id}/votes`, async () => (await api(tokens.bob!, "POST", "/api/v1/statuses", { status: "pick", poll: { options: ["a", "b", "c"], expires_in: 3600, multiple: true } })).poll.id, { choices: [0, 2] }) },
  "POST /api/v1/markers": { prepare: async () => ({ token: (await freshUser()).token, params: { home: { last_read_id: ids.bobPost }, notifications: { last_read_id: "1" } } }) },

  // ---- media: a file travels only in multipart, so JSON and form bodies get Mastodon's "File can't be blank" ----
  "POST /api/v1/media": { prepare: async () => ({ params: { description: "alt", focus: "0.1,0.2" }, files: [image()] }), status: { json: 422, form: 422, multipart: 200 }, why: "no file without multipart" },
  "POST /api/v2/media": { prepare: async () => ({ params: { description: "alt", focus: "0.1,0.2" }, files: [image()] }), status: { json: 422, form: 422, multipart: 200 }, why: "no file without multipart" },
  "PUT /api/v1/media/:id": { prepare: onFresh((id) => `/api/v1/media/${id}`, async () => (await client(kith).upload(owner)).id, { description: "new alt", focus: "0.5,-0.5" }) },
  "DELETE /api/v1/media/:id": { prepare: onFresh((id) => `/api/v1/media/${id}`, async () => (await client(kith).upload(owner)).id) },

  // ---- lists, filters, notifications, conversations, push, reports ----
  "POST /api/v1/lists": { prepare: same({ title: "Encoded", replies_policy: "followed", exclusive: true }) },
  "PUT /api/v1/lists/:id": { prepare: onFresh((id) => `/api/v1/lists/${id}`, () => list(), { title: "Renamed", replies_policy: "none", exclusive: false }) },
  "DELETE /api/v1/lists/:id": { prepare: onFresh((id) => `/api/v1/lists/${id}`, () => list()) },
  "POST /api/v1/lists/:id/accounts": { prepare: async () => ({ url: `/api/v1/lists/${await list()}/accounts`, params: { account_ids: [ids.bob] } }) },
  "DELETE /api/v1/lists/:id/accounts": { prepare: async () => ({ url: `/api/v1/lists/${await list([ids.bob!])}/accounts`, params: { account_ids: [ids.bob] } }) },
  "POST /api/v1/filters": { prepare: same({ phrase: "spoiler", context: ["home", "public"], irreversible: false, whole_word: true, expires_in: 3600 }) },
  "PUT /api/v1/filters/:id": { prepare: onFresh((id) => `/api/v1/filters/${id}`, () => v1Filter(), { phrase: "spoilers", context: ["home"], whole_word: false }) },
  "DELETE /api/v1/filters/:id": { prepare: onFresh((id) => `/api/v1/filters/${id}`, () => v1Filter()) },
  "POST /api/v2/filters": {
    prepare: same({ title: "Encoded", context: ["home", "notifications"], filter_action: "hide", expires_in: 3600, keywords_attributes: [{ keyword: "a", whole_word: false }, { keyword: "b", whole_word: true }] }),
  },
  "PUT /api/v2/filters/:id": { prepare: onFresh((id) => `/api/v2/filters/${id}`, async () => (await v2Filter()).id, { title: "Renamed", context: ["public"], keywords_attributes: [{ keyword: "c", whole_word: false }] }) },
  "DELETE /api/v2/filters/:id": { prepare: onFresh((id) => `/api/v2/filters/${id}`, async () => (await v2Filter()).id) },
  "POST /api/v2/filters/:id/keywords": { prepare: onFresh((id) => `/api/v2/filters/${id}/keywords`, async () => (await v2Filter()).id, { keyword: "kw", whole_word: false }) },
  "PUT /api/v2/filters/keywords/:id": { prepare: onFresh((id) => `/api/v2/filters/keywords/${id}`, async () => (await v2Filter()).keywords[0].id, { keyword: "kw2", whole_word: true }) },
  "DELETE /api/v2/filters/keywords/:id": { prepare: onFresh((id) => `/api/v2/filters/keywords/${id}`, async () => (await v2Filter()).keywords[0].id) },
  "POST /api/v2/filters/:id/statuses": { prepare: onFresh((id) => `/api/v2/filters/${id}/statuses`, async () => (await v2Filter()).id, { status_id: "{bobPost}" }) },
  "DELETE /api/v2/filters/statuses/:id": {
    prepare: onFresh((id) => `/api/v2/filters/statuses/${id}`, async () => (await api(owner, "POST", `/api/v2/filters/${(await v2Filter()).id}/statuses`, { status_id: ids.bobPost })).id),
  },
  "POST /api/v1/notifications/clear": { prepare: async () => ({ token: (await notified()).token }) },
  "POST /api/v1/notifications/:id/dismiss": {
    prepare: async () => {
      const user = await notified();
      return { token: user.token, url: `/api/v1/notifications/${(await api(user.token, "GET", "/api/v1/notifications"))[0].id}/dismiss` };
    },
  },
  "POST /api/v2/notifications/:group_key/dismiss": {
    prepare: async () => {
      const user = await notified();
      return { token: user.token, url: `/api/v2/notifications/${(await api(user.token, "GET", "/api/v2/notifications")).notification_groups[0].group_key}/dismiss` };
    },
  },
  "POST /api/v1/conversations/:id/read": { prepare: async () => conversation((id) => `/api/v1/conversations/${id}/read`) },
  "DELETE /api/v1/conversations/:id": { prepare: async () => conversation((id) => `/api/v1/conversations/${id}`) },
  "POST /api/v1/push/subscription": {
    prepare: async () => ({
      token: (await freshUser()).token,
      params: { subscription: { endpoint: "https://push.example/endpoint", keys: pushKeys(), standard: true }, data: { alerts: { mention: true, follow: false, favourite: "1" }, policy: "followed" } },
    }),
  },
  "PUT /api/v1/push/subscription": { prepare: async () => ({ token: await subscribed(), params: { data: { alerts: { reblog: true, mention: false } }, policy: "follower" } }) },
  "DELETE /api/v1/push/subscription": { prepare: async () => ({ token: await subscribed() }) },
  "POST /api/v1/reports": { prepare: async () => ({ params: { account_id: ids.carol, status_ids: [ids.carolPost], comment: "spam", forward: false, category: "other" } }) },

  // ---- admin ----
  "POST /api/v1/admin/accounts/:id/action": { prepare: onFresh((id) => `/api/v1/admin/accounts/${id}/action`, freshId, { type: "silence", text: "why", send_email_notification: false }) },
  "POST /api/v1/admin/accounts/:id/approve": { prepare: onFresh((id) => `/api/v1/admin/accounts/${id}/approve`, async () => (await signUp("approval")).id) },
  "POST /api/v1/admin/accounts/:id/reject": { prepare: onFresh((id) => `/api/v1/admin/accounts/${id}/reject`, async () => (await signUp("approval")).id) },
  "POST /api/v1/admin/accounts/:id/unsuspend": { prepare: onFresh((id) => `/api/v1/admin/accounts/${id}/unsuspend`, async () => moderated("suspend")) },
  "POST /api/v1/admin/accounts/:id/unsilence": { prepare: onFresh((id) => `/api/v1/admin/accounts/${id}/unsilence`, async () => moderated("silence")) },
  "POST /api/v1/admin/accounts/:id/unsensitive": { prepare: onFresh((id) => `/api/v1/admin/accounts/${id}/unsensitive`, async () => moderated("sensitive")) },
  "POST /api/v1/admin/accounts/:id/enable": { prepare: onFresh((id) => `/api/v1/admin/accounts/${id}/enable`, async () => moderated("disable", (await signUp()).id)) },
  "DELETE /api/v1/admin/accounts/:id": { prepare: onFresh((id) => `/api/v1/admin/accounts/${id}`, async () => moderated("suspend")) },
  ...reportActions(),
  "POST /api/v1/admin/rules": { prepare: same({ text: "Be kind", hint: "Really", position: 2 }) },
  "PUT /api/v1/admin/rules/:id": { prepare: onFresh((id) => `/api/v1/admin/rules/${id}`, () => rule(), { text: "Be kinder", position: 3 }) },
  "DELETE /api/v1/admin/rules/:id": { prepare: onFresh((id) => `/api/v1/admin/rules/${id}`, () => rule()) },
  "POST /api/v1/admin/domain_blocks": {
    prepare: async () => ({ params: { domain: `${unique("bad")}.example`, severity: "silence", reject_media: true, reject_reports: false, private_comment: "p", public_comment: "q", obfuscate: true } }),
  },
  "PUT /api/v1/admin/domain_blocks/:id": { prepare: onFresh((id) => `/api/v1/admin/domain_blocks/${id}`, () => domainBlock(), { severity: "suspend", reject_media: false, obfuscate: "1" }) },
  "DELETE /api/v1/admin/domain_blocks/:id": { prepare: onFresh((id) => `/api/v1/admin/domain_blocks/${id}`, () => domainBlock()) },
  "POST /api/v1/admin/domain_allows": { prepare: async () => ({ params: { domain: `${unique("good")}.example` } }) },
  "DELETE /api/v1/admin/domain_allows/:id": { prepare: onFresh((id) => `/api/v1/admin/domain_allows/${id}`, async () => (await api(owner, "POST", "/api/v1/admin/domain_allows", { domain: `${unique("ok")}.example` })).id) },
  "POST /api/v1/admin/canonical_email_blocks": { prepare: async () => ({ params: { email: `${unique("spam")}@mail.example` } }) },
  "POST /api/v1/admin/canonical_email_blocks/test": { prepare: same({ email: "someone@mail.example" }) },
  "DELETE /api/v1/admin/canonical_email_blocks/:id": {
    prepare: onFresh((id) => `/api/v1/admin/canonical_email_blocks/${id}`, async () => (await api(owner, "POST", "/api/v1/admin/canonical_email_blocks", { email: `${unique("gone")}@mail.example` })).id),
  },

  // ---- OAuth ----
  "POST /api/v1/apps": {
    prepare: async () => ({ token: null, params: { client_name: "Encoded app", redirect_uris: ["https://app.example/cb", "urn:ietf:wg:oauth:2.0:oob"], scopes: "read write", website: "https://app.example" } }),
  },
  "POST /oauth/token": { prepare: async () => ({ token: null, params: { grant_type: "client_credentials", client_id: app.client_id, client_secret: app.client_secret, scope: "read" } }) },
  "POST /oauth/revoke": { prepare: async () => ({ token: null, params: { client_id: app.client_id, client_secret: app.client_secret, token: await clientToken(kith, app, "read") } }) },
  "POST /oauth/authorize": {
    // The browser's form: the page's hidden fields, the sign-in and the decision, with the page's cookie.
    prepare: async () => {
      const cookies = new CookieJar();
      const query = new URLSearchParams({ response_type: "code", client_id: app.client_id, redirect_uri: "https://app.example/callback", scope: "read" });
      const page = await kith.app!.inject({ method: "GET", url: `/oauth/authorize?${query}` });
      cookies.store(page.headers["set-cookie"]);
      return { token: null, headers: { cookie: cookies.header() }, params: { ...hiddenFields(page.body), login: signedUpName, password: PASSWORD, decision: "approve" } };
    },
    status: 303,
  },
  "POST /auth/sign_out": { prepare: async () => ({ token: null, params: { sign_out_token: "forged", return_to: "/oauth/authorize?x=1" } }), status: 403, why: "a token this browser was never given" },
};

function statusActions(): Record<string, Case> {
  const bobs = () => post(tokens.bob!);
  const mine = () => post(owner);
  const after = (action: string, make: () => Promise<string>) => async () => {
    const id = await make();
    await api(owner, "POST", `/api/v1/statuses/${id}/${action}`);
    return id;
  };
  const actions: [string, () => Promise<string>][] = [
    ["favourite", bobs],
    ["unfavourite", after("favourite", bobs)],
    ["reblog", bobs],
    ["unreblog", after("reblog", bobs)],
    ["bookmark", bobs],
    ["unbookmark", after("bookmark", bobs)],
    ["pin", mine],
    ["unpin", after("pin", mine)],
    ["mute", mine],
    ["unmute", after("mute", mine)],
  ];
  const params: Record<string, Params> = { reblog: { visibility: "unlisted" } };
  return Object.fromEntries(actions.map(([action, make]) => [`POST /api/v1/statuses/:id/${action}`, { prepare: onFresh((id) => `/api/v1/statuses/${id}/${action}`, make, params[action]) }]));
}

function reportActions(): Record<string, Case> {
  const report = async (then?: string) => {
    const { id } = await api(tokens.bob!, "POST", "/api/v1/reports", { account_id: ids.carol, comment: "look" });
    if (then) await api(owner, "POST", `/api/v1/admin/reports/${id}/${then}`);
    return id as string;
  };
  const actions: [string, string | undefined][] = [
    ["assign_to_self", undefined],
    ["unassign", "assign_to_self"],
    ["resolve", undefined],
    ["reopen", "resolve"],
  ];
  return Object.fromEntries(actions.map(([action, before]) => [`POST /api/v1/admin/reports/:id/${action}`, { prepare: onFresh((id) => `/api/v1/admin/reports/${id}/${action}`, () => report(before)) }]));
}

async function followed(id: string) {
  await api(owner, "POST", `/api/v1/accounts/${id}/follow`);
  return id;
}
/** The token of a new account whose one alias is bob. */
async function aliased() {
  const user = await freshUser("alias");
  await api(user.token, "POST", "/api/v1/accounts/aliases", { acct: names.bob });
  return user.token;
}
/** A signed-up account (with a password) and the handle of a new account that lists it as an alias. */
async function movable() {
  const user = await signUp();
  const target = await freshUser("movedto");
  await api(target.token, "POST", "/api/v1/accounts/aliases", { acct: user.username });
  return { token: user.token, target: target.username };
}
/** The token of an account that has moved (its move's job done, so every encoding sees the same move). */
async function moved() {
  const { token, target } = await movable();
  await api(token, "POST", "/api/v1/accounts/migration", { acct: target, password: PASSWORD });
  await waitFor(async () => (await api(token, "GET", "/api/v1/accounts/migration")).moves[0]?.finished_at, "the move's job to finish");
  return token;
}
async function acted(action: "block" | "mute", id: string) {
  await api(owner, "POST", `/api/v1/accounts/${id}/${action}`);
  return id;
}
/** A new account that asked to follow lena (whose account is locked). */
async function requester() {
  const user = await freshUser("req");
  await api(user.token, "POST", `/api/v1/accounts/${ids.lena}/follow`);
  return user.id;
}
async function moderated(type: "suspend" | "silence" | "sensitive" | "disable", id?: string) {
  const target = id ?? (await freshId());
  await api(owner, "POST", `/api/v1/admin/accounts/${target}/action`, { type });
  return target;
}
const list = async (members: string[] = []) => {
  const { id } = await api(owner, "POST", "/api/v1/lists", { title: unique("list") });
  if (members.length) await api(owner, "POST", `/api/v1/lists/${id}/accounts`, { account_ids: members });
  return id as string;
};
const v1Filter = async () => (await api(owner, "POST", "/api/v1/filters", { phrase: unique("phrase"), context: ["home"] })).id as string;
const v2Filter = async () => api(owner, "POST", "/api/v2/filters", { title: unique("filter"), context: ["home"], keywords_attributes: [{ keyword: unique("kw") }] });
const rule = async () => (await api(owner, "POST", "/api/v1/admin/rules", { text: unique("rule") })).id as string;
const domainBlock = async () => (await api(owner, "POST", "/api/v1/admin/domain_blocks", { domain: `${unique("block")}.example` })).id as string;
/** A new account with a follow notification from bob. */
async function notified() {
  const user = await freshUser("n");
  await api(tokens.bob!, "POST", `/api/v1/accounts/${user.id}/follow`);
  return user;
}
/** A new account's conversation with bob, and the URL made from it. */
async function conversation(path: (id: string) => string): Promise<Request> {
  const user = await freshUser("c");
  await post(user.token, { status: `@${names.bob} psst`, visibility: "direct" });
  // Conversations are tracked by the fan-out job.
  const first = await waitFor(async () => (await api(user.token, "GET", "/api/v1/conversations"))[0], "the conversation");
  return { token: user.token, url: path(first.id) };
}
/** A token holding a push subscription. */
async function subscribed() {
  const { token } = await freshUser("p");
  await api(token, "POST", "/api/v1/push/subscription", { subscription: { endpoint: "https://push.example/endpoint", keys: pushKeys() } });
  return token;
}

/** The write routes of the running app, from its route tree ("METHOD /path"). */
function writeRoutes(tree: string): string[] {
  const found: string[] = [];
  const parents: string[] = [];
  for (const line of tree.split("\n")) {
    const m = /^((?:[│ ] {3})*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    const path = (parents[depth - 1] ?? "") + m[2]!;
    parents[depth] = path;
    for (const method of (m[3] ?? "").split(", ").filter(Boolean)) if (!["GET", "HEAD", "OPTIONS"].includes(method)) found.push(`${method} ${path}`);
  }
  return found.sort();
}

/** An answer with what differs between two good requests taken out: ids, times, generated text; values the request sent stay recognisable. */
function normalize(value: unknown, sent: Set<string>, key = ""): unknown {
  if (typeof value === "string") {
    if (/^\d+$/.test(value)) return "<id>";
    if (sent.has(value)) return "<sent>";
    if (/^\d{4}-\d\d-\d\dT/.test(value)) return "<time>";
    return "<text>";
  }
  // Times, and the account counters that grow as cases post.
  if (typeof value === "number" && /(_at|expires_in|^statuses_count|^followers_count|^following_count)$/.test(key)) return "<number>";
  if (Array.isArray(value)) return value.map((v) => normalize(v, sent, key));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v, sent, k)]));
  return value;
}

function leaves(value: unknown, out = new Set<string>()): Set<string> {
  if (value !== null && typeof value === "object") for (const v of Object.values(value)) leaves(v, out);
  else if (value !== undefined) out.add(String(value));
  return out;
}

const fill = (params: Params | undefined): Params | undefined => params && JSON.parse(JSON.stringify(params).replace(/\{(\w+)\}/g, (_, k: string) => ids[k]!));

beforeAll(async () => {
  kith = await startInProcess("body_encodings", mediaEnv());
  await kith.core.settings.update({ registrationMode: "open", requireEmail: false, requireReason: false });
  const alice = await kith.core.accounts.createLocal("alice");
  await kith.core.moderation.accounts.setRole(null, alice.id, "owner");
  owner = await kith.core.tokens.issue(alice.id, SCOPES);
  ids.alice = String(alice.id);
  for (const name of ["bob", "carol", "lena", "profile"]) {
    const user = await freshUser(name);
    ids[name] = user.id;
    names[name] = user.username;
    tokens[name] = user.token;
  }
  await api(tokens.lena!, "PATCH", "/api/v1/accounts/update_credentials", { locked: true });
  await followed(ids.bob!);
  ids.bobPost = await post(tokens.bob!);
  ids.carolPost = await post(tokens.carol!);
  app = await registerApp(kith, "read write follow");
  appToken = await clientToken(kith, app, "read write follow");
  signedUpName = (await signUp()).username;
}, 120_000);

afterAll(async () => kith?.destroy());

describe("every write endpoint reads JSON, form-encoded and multipart bodies alike", () => {
  // Listed at collection time would need the app; the list is checked in its own test instead.
  const routes = () => writeRoutes(kith.app!.printRoutes({ commonPrefix: false }));

  it("the list of write routes comes from the app, and every one has a case (or a reason to be left out)", () => {
    const listed = routes();
    expect(listed.length).toBeGreaterThan(80);
    expect(listed).toContain("POST /api/v1/statuses");
    expect(listed).toContain("PATCH /api/v1/accounts/update_credentials");
    expect(listed.filter((r) => !(r in CASES) && !(r in EXCLUDED)), "write routes without a case in this file").toEqual([]);
    expect(Object.keys(CASES).filter((r) => !listed.includes(r)), "cases naming no route").toEqual([]);
  });

  it.each(Object.keys(CASES).sort())("%s", async (route) => {
    const c = CASES[route]!;
    const [method, path] = route.split(" ") as [string, string];
    const answers = {} as Record<Encoding, { status: number; body: unknown }>;
    for (const encoding of ENCODINGS) {
      const request = (await c.prepare?.(encoding)) ?? {};
      const params = fill(request.params) ?? {};
      const res = await send(kith, {
        method,
        url: request.url ?? path,
        token: request.token === undefined ? owner : request.token,
        params,
        encoding,
        files: encoding === "multipart" ? request.files : undefined,
        headers: request.headers,
      });
      answers[encoding] = { status: res.status, body: normalize(res.body, leaves(params)) };
      const expected = typeof c.status === "object" ? c.status[encoding] : (c.status ?? 200);
      expect(res.status, `${route} as ${encoding}: ${JSON.stringify(res.body)?.slice(0, 400)}`).toBe(expected);
      expect([415, 500]).not.toContain(res.status);
    }
    // A request refused in one encoding because of what it could not carry (a file) is compared by status alone.
    if (typeof c.status === "object") return;
    expect(answers.form, `${route}: form vs JSON`).toEqual(answers.json);
    expect(answers.multipart, `${route}: multipart vs JSON`).toEqual(answers.json);
  });
});
