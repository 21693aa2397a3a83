import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";
import { authorize, call, clientToken, CookieJar, count, hiddenFields, pkce, redirectParams, registerApp, sql, type App } from "./helpers/oauth-client.ts";

// OAuth 2 as Mastodon apps use it: app registration, the authorization code
// flow with PKCE through the HTML page, the token endpoint's grants,
// revocation, and scopes that can only narrow.

let kith: InProcess;
let app: App;
const PASSWORD = "a long enough password";
const REDIRECT = "https://app.example/callback";

beforeAll(async () => {
  kith = await startInProcess("oauth");
  const alice = await kith.core.accounts.createLocal("alice");
  await kith.core.signIn.setPassword(alice.id, PASSWORD);
  app = await registerApp(kith, "read write follow", [REDIRECT, "urn:ietf:wg:oauth:2.0:oob"]);
}, 60_000);

afterAll(async () => kith?.destroy());

const codeQuery = (a: App, extra: Record<string, string> = {}) => ({ response_type: "code", client_id: a.client_id, redirect_uri: REDIRECT, scope: "read write", state: "xyz 123", ...extra });

async function codeFor(a: App = app, extra: Record<string, string> = {}) {
  const { verifier, challenge } = pkce();
  const { result } = await authorize(kith, codeQuery(a, { code_challenge: challenge, code_challenge_method: "S256", ...extra }), { login: "alice", password: PASSWORD });
  return { code: redirectParams(result).get("code")!, verifier };
}

const exchange = (a: App, form: Record<string, string>) =>
  call(kith, "POST", "/oauth/token", { form: { grant_type: "authorization_code", client_id: a.client_id, client_secret: a.client_secret, redirect_uri: REDIRECT, ...form } });

describe("metadata", () => {
  it("serves RFC 8414 authorization server metadata", async () => {
    const res = await call(kith, "GET", "/.well-known/oauth-authorization-server");
    const origin = kith.core.urls.origin;
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      issuer: `${origin}/`,
      authorization_endpoint: `${origin}/oauth/authorize`,
      token_endpoint: `${origin}/oauth/token`,
      revocation_endpoint: `${origin}/oauth/revoke`,
      app_registration_endpoint: `${origin}/api/v1/apps`,
      response_types_supported: ["code"],
      code_challenge_methods_supported: ["S256"],
      grant_types_supported: ["authorization_code", "client_credentials", "refresh_token"],
    });
    expect(res.json.scopes_supported).toEqual(expect.arrayContaining(["read", "write", "follow", "push", "profile", "read:statuses", "admin:read:accounts"]));
    expect(res.json.service_documentation).toMatch(/^https:/);
  });
});

describe("POST /api/v1/apps", () => {
  it("registers an app and returns Mastodon's Application entity with its credentials", async () => {
    const res = await call(kith, "POST", "/api/v1/apps", {
      form: { client_name: "Tusky", redirect_uris: "https://a.example/cb\nurn:ietf:wg:oauth:2.0:oob", scopes: "read write:statuses", website: "https://tusky.app" },
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      name: "Tusky",
      website: "https://tusky.app",
      scopes: ["read", "write:statuses"],
      redirect_uri: "https://a.example/cb\nurn:ietf:wg:oauth:2.0:oob",
      redirect_uris: ["https://a.example/cb", "urn:ietf:wg:oauth:2.0:oob"],
      vapid_key: await kith.core.push.vapid.publicKey(),
      client_secret_expires_at: 0,
    });
    expect(res.json.id).toMatch(/^\d+$/);
    expect(res.json.client_id).toMatch(/^[\w-]{40,}$/);
    expect(res.json.client_secret).toMatch(/^[\w-]{40,}$/);
    // Only a hash of the secret is kept.
    const [row] = await sql<{ clientSecret: string }>(kith, `select "clientSecret" from "OAuthApplication" where id = $1`, [res.json.id]);
    expect(row!.clientSecret).not.toBe(res.json.client_secret);
  });

  it("defaults the scopes to read and accepts redirect_uris as an array", async () => {
    const res = await call(kith, "POST", "/api/v1/apps", { json: { client_name: "Plain", redirect_uris: ["myapp://oauth"] } });
    expect(res.status).toBe(200);
    expect(res.json.scopes).toEqual(["read"]);
    expect(res.json.redirect_uris).toEqual(["myapp://oauth"]);
  });

  it.each([
    [{ redirect_uris: REDIRECT }, /client_name/],
    [{ client_name: "x" }, /redirect_uris/],
    [{ client_name: "x", redirect_uris: "/relative" }, /absolute URI/],
    [{ client_name: "x", redirect_uris: "https://a.example/cb#frag" }, /fragment/],
    [{ client_name: "x", redirect_uris: "javascript:alert(1)" }, /forbidden scheme/],
    [{ client_name: "x", redirect_uris: REDIRECT, scopes: "read everything" }, /everything is not a known scope/],
    [{ client_name: "x", redirect_uris: REDIRECT, website: "ftp://x.example" }, /website/],
    [{ client_name: "x".repeat(61), redirect_uris: REDIRECT }, /60 characters/],
  ])("422 for %j, and no app is stored", async (body, message) => {
    const before = await count(kith, "OAuthApplication");
    const res = await call(kith, "POST", "/api/v1/apps", { json: body });
    expect(res.status).toBe(422);
    expect(res.json.error).toMatch(message);
    expect(await count(kith, "OAuthApplication")).toBe(before);
  });

  it("verify_credentials answers for the app behind a token, without its secret", async () => {
    const token = await clientToken(kith, app);
    const res = await call(kith, "GET", "/api/v1/apps/verify_credentials", { token });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ id: app.id, name: "Test App", website: null, scopes: ["read", "write", "follow"], redirect_uri: `${REDIRECT}\nurn:ietf:wg:oauth:2.0:oob`, redirect_uris: [REDIRECT, "urn:ietf:wg:oauth:2.0:oob"], vapid_key: await kith.core.push.vapid.publicKey() });
    expect((await call(kith, "GET", "/api/v1/apps/verify_credentials")).status).toBe(401);
    expect((await call(kith, "GET", "/api/v1/apps/verify_credentials", { token: "nope" })).status).toBe(401);
  });
});

describe("the authorization code flow with PKCE, over HTTP as an app does it", () => {
  it("register → authorize page → sign in and approve → redirect → code exchange → API → refresh → revoke → 401", async () => {
    const a = await registerApp(kith, "read write", REDIRECT, "Pinafore <script>alert(1)</script>");
    const { verifier, challenge } = pkce();
    const query = codeQuery(a, { code_challenge: challenge, code_challenge_method: "S256" });

    const jar = new CookieJar();
    const { page, result } = await authorize(kith, query, { login: "alice", password: PASSWORD, cookies: jar });
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toMatch(/text\/html/);
    expect(page.headers["x-frame-options"]).toBe("DENY");
    expect(page.headers["content-security-policy"]).toMatch(/frame-ancestors 'none'/);
    expect(page.body).toContain("Pinafore &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(page.body).not.toContain("<script>");
    expect(page.body).toContain('name="password"');
    expect(page.body).toMatch(/<code>write<\/code>/);
    expect(String(page.headers["set-cookie"])).toMatch(/kith_csrf=.*HttpOnly.*SameSite=Lax/);

    const back = redirectParams(result);
    expect(String(result.headers.location).startsWith(`${REDIRECT}?`)).toBe(true);
    expect(back.get("state")).toBe("xyz 123");
    const code = back.get("code")!;
    expect(code).toMatch(/^[\w-]{40,}$/);
    expect(String(result.headers["set-cookie"])).toMatch(/kith_session=.*HttpOnly.*SameSite=Lax/);

    // The app exchanges the code, authenticating with HTTP Basic and a JSON body.
    const basic = Buffer.from(`${a.client_id}:${a.client_secret}`).toString("base64");
    const tokenRes = await call(kith, "POST", "/oauth/token", {
      headers: { authorization: `Basic ${basic}` },
      json: { grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: verifier },
    });
    expect(tokenRes.status).toBe(200);
    expect(tokenRes.headers["cache-control"]).toBe("no-store");
    expect(tokenRes.json).toMatchObject({ token_type: "Bearer", scope: "read write" });
    expect(tokenRes.json.created_at).toBeCloseTo(Date.now() / 1000, -2);
    expect(tokenRes.json.expires_in).toBeUndefined();
    const { access_token: access, refresh_token: refresh } = tokenRes.json;
    expect(refresh).toMatch(/^[\w-]{40,}$/);

    const me = await call(kith, "GET", "/api/v1/accounts/verify_credentials", { token: access });
    expect(me.status).toBe(200);
    expect(me.json.username).toBe("alice");
    expect((await call(kith, "GET", "/api/v1/apps/verify_credentials", { token: access })).json.name).toBe("Pinafore <script>alert(1)</script>");

    // Refresh rotates: a new pair, and the old access and refresh tokens stop working.
    const refreshed = await call(kith, "POST", "/oauth/token", { form: { grant_type: "refresh_token", refresh_token: refresh, client_id: a.client_id, client_secret: a.client_secret } });
    expect(refreshed.status).toBe(200);
    expect(refreshed.json.scope).toBe("read write");
    expect(refreshed.json.access_token).not.toBe(access);
    expect(refreshed.json.refresh_token).not.toBe(refresh);
    expect((await call(kith, "GET", "/api/v1/accounts/verify_credentials", { token: access })).status).toBe(401);
    const again = await call(kith, "POST", "/oauth/token", { form: { grant_type: "refresh_token", refresh_token: refresh, client_id: a.client_id, client_secret: a.client_secret } });
    expect(again.status).toBe(400);
    expect(again.json.error).toBe("invalid_grant");

    const fresh = refreshed.json.access_token;
    expect((await call(kith, "GET", "/api/v1/accounts/verify_credentials", { token: fresh })).status).toBe(200);
    const revoked = await call(kith, "POST", "/oauth/revoke", { form: { token: fresh, client_id: a.client_id, client_secret: a.client_secret } });
    expect(revoked.status).toBe(200);
    expect(revoked.json).toEqual({});
    expect((await call(kith, "GET", "/api/v1/accounts/verify_credentials", { token: fresh })).status).toBe(401);
    const afterRevoke = await call(kith, "POST", "/oauth/token", { form: { grant_type: "refresh_token", refresh_token: refreshed.json.refresh_token, client_id: a.client_id, client_secret: a.client_secret } });
    expect(afterRevoke.json.error).toBe("invalid_grant");

    // The browser is still signed in: the next authorization only asks for approval.
    const second = await authorize(kith, codeQuery(a), { cookies: jar });
    expect(second.page.body).toContain("Signed in as <strong>@alice@");
    expect(second.page.body).not.toContain('name="password"');
    expect(redirectParams(second.result).get("code")).toBeTruthy();
    // force_login asks for the password again.
    const forced = await call(kith, "GET", `/oauth/authorize?${new URLSearchParams({ ...codeQuery(a), force_login: "true" })}`, { cookies: jar });
    expect(forced.body).toContain('name="password"');
  });

  it("works without PKCE too, and signs in by e-mail address", async () => {
    await sql(kith, `update "User" set email = 'alice@mail.example' where "accountId" = (select id from "Account" where username = 'alice')`);
    const { result } = await authorize(kith, codeQuery(app), { login: "ALICE@mail.example", password: PASSWORD });
    const res = await exchange(app, { code: redirectParams(result).get("code")! });
    expect(res.status).toBe(200);
    expect(res.json.scope).toBe("read write");
  });

  it("shows the code on the page for out-of-band apps", async () => {
    const { result } = await authorize(kith, { ...codeQuery(app), redirect_uri: "urn:ietf:wg:oauth:2.0:oob" }, { login: "alice", password: PASSWORD });
    expect(result.status).toBe(200);
    const code = /<input readonly id="code" value="([^"]+)">/.exec(result.body)![1]!;
    const res = await exchange(app, { code, redirect_uri: "urn:ietf:wg:oauth:2.0:oob" });
    expect(res.status).toBe(200);
  });
});

describe("code exchange refusals", () => {
  it("a wrong code_verifier is refused, and the code is spent", async () => {
    const { code, verifier } = await codeFor();
    const wrong = await exchange(app, { code, code_verifier: pkce().verifier });
    expect(wrong.status).toBe(400);
    expect(wrong.json).toMatchObject({ error: "invalid_grant" });
    expect(wrong.json.error_description).toBeTruthy();
    expect((await exchange(app, { code, code_verifier: verifier })).json.error).toBe("invalid_grant");
  });

  it("a missing code_verifier is refused when a challenge was given", async () => {
    const { code } = await codeFor();
    expect((await exchange(app, { code })).json.error).toBe("invalid_grant");
  });

  it("a different redirect_uri is refused", async () => {
    const { code, verifier } = await codeFor();
    const res = await exchange(app, { code, code_verifier: verifier, redirect_uri: "https://app.example/other" });
    expect(res.status).toBe(400);
    expect(res.json.error).toBe("invalid_request");
  });

  it("a code works once", async () => {
    const { code, verifier } = await codeFor();
    expect((await exchange(app, { code, code_verifier: verifier })).status).toBe(200);
    const reused = await exchange(app, { code, code_verifier: verifier });
    expect(reused.status).toBe(400);
    expect(reused.json.error).toBe("invalid_grant");
  });

  it("an expired code is refused", async () => {
    const { code, verifier } = await codeFor();
    await sql(kith, `update "AuthorizationCode" set "expiresAt" = now() - interval '1 second' where "usedAt" is null`);
    const res = await exchange(app, { code, code_verifier: verifier });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: "invalid_grant", error_description: expect.stringMatching(/expired/) });
  });

  it("another app cannot redeem the code", async () => {
    const other = await registerApp(kith, "read write", REDIRECT);
    const { code, verifier } = await codeFor();
    expect((await exchange(other, { code, code_verifier: verifier })).json.error).toBe("invalid_grant");
  });

  it("a wrong or missing client secret is 401 invalid_client: PKCE does not replace the secret", async () => {
    const { code, verifier } = await codeFor();
    const res = await exchange(app, { code, code_verifier: verifier, client_secret: "wrong" });
    expect(res.status).toBe(401);
    expect(res.json.error).toBe("invalid_client");
    expect(res.headers["www-authenticate"]).toMatch(/Basic/);
    const missing = await call(kith, "POST", "/oauth/token", { form: { grant_type: "authorization_code", client_id: app.client_id, code, code_verifier: verifier, redirect_uri: REDIRECT } });
    expect(missing.status).toBe(401);
    expect(missing.json.error).toBe("invalid_client");
    // The code was not spent on the failed attempts.
    expect((await exchange(app, { code, code_verifier: verifier })).status).toBe(200);
  });

  it("the password grant and unknown grants are refused", async () => {
    const password = await call(kith, "POST", "/oauth/token", { form: { grant_type: "password", username: "alice", password: PASSWORD, client_id: app.client_id, client_secret: app.client_secret } });
    expect(password.status).toBe(400);
    expect(password.json.error).toBe("unsupported_grant_type");
    const unknown = await call(kith, "POST", "/oauth/token", { form: { grant_type: "magic", client_id: app.client_id, client_secret: app.client_secret } });
    expect(unknown.json.error).toBe("unsupported_grant_type");
    const none = await call(kith, "POST", "/oauth/token", { form: { client_id: app.client_id, client_secret: app.client_secret } });
    expect(none.json.error).toBe("invalid_request");
  });
});

describe("the authorization page refuses", () => {
  const noRedirect = (res: { status: number; headers: Record<string, unknown> }) => {
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
  };

  it("an unknown client, on the page", async () => {
    const res = await call(kith, "GET", `/oauth/authorize?${new URLSearchParams({ ...codeQuery(app), client_id: "nope" })}`);
    noRedirect(res);
    expect(res.body).toContain("invalid_client");
  });

  it("a redirect_uri the app did not register, on the page and never by redirecting there", async () => {
    const res = await call(kith, "GET", `/oauth/authorize?${new URLSearchParams({ ...codeQuery(app), redirect_uri: "https://evil.example/steal" })}`);
    noRedirect(res);
    expect(res.body).not.toContain("evil.example");
  });

  it("a missing redirect_uri when the app has several", async () => {
    const { redirect_uri: _, ...query } = codeQuery(app);
    noRedirect(await call(kith, "GET", `/oauth/authorize?${new URLSearchParams(query)}`));
  });

  it.each([
    [{ response_type: "token" }, "unsupported_response_type"],
    [{ scope: "read admin:write" }, "invalid_scope"],
    [{ scope: "read bogus" }, "invalid_scope"],
    [{ code_challenge: pkce().challenge, code_challenge_method: "plain" }, "invalid_request"],
    [{ code_challenge: "short" }, "invalid_request"],
    [{ code_challenge_method: "S256" }, "invalid_request"],
  ])("%j by redirecting with error=%s and the state", async (extra, error) => {
    const res = await call(kith, "GET", `/oauth/authorize?${new URLSearchParams(codeQuery(app, extra))}`);
    const back = redirectParams(res);
    expect(back.get("error")).toBe(error);
    expect(back.get("state")).toBe("xyz 123");
    expect(back.get("code")).toBeNull();
  });

  it("a denial, with access_denied and no code stored", async () => {
    const before = await count(kith, "AuthorizationCode");
    const { result } = await authorize(kith, codeQuery(app), { decision: "deny" });
    expect(redirectParams(result).get("error")).toBe("access_denied");
    expect(await count(kith, "AuthorizationCode")).toBe(before);
  });

  it("a wrong password, on the page, and no code stored", async () => {
    const before = await count(kith, "AuthorizationCode");
    const { result } = await authorize(kith, codeQuery(app), { login: "alice", password: "not the password" });
    expect(result.status).toBe(401);
    expect(result.body).toContain("Invalid username, e-mail address or password.");
    expect(result.body).toContain('value="alice"');
    expect(result.headers.location).toBeUndefined();
    const unknown = await authorize(kith, codeQuery(app), { login: "nobody", password: PASSWORD });
    expect(unknown.result.body).toContain("Invalid username, e-mail address or password.");
    expect(await count(kith, "AuthorizationCode")).toBe(before);
  });

  it("an approval without signing in", async () => {
    const { result } = await authorize(kith, codeQuery(app));
    expect(result.status).toBe(401);
    expect(result.body).toContain("Please sign in.");
  });

  it("a user waiting for approval", async () => {
    const bob = await kith.core.accounts.createLocal("bob");
    await kith.core.signIn.setPassword(bob.id, PASSWORD);
    await sql(kith, `update "User" set approved = false where "accountId" = $1`, [String(bob.id)]);
    const { result } = await authorize(kith, codeQuery(app), { login: "bob", password: PASSWORD });
    expect(result.status).toBe(401);
    expect(result.body).toContain("pending approval");
  });
});

describe("forged form posts", () => {
  async function openForm() {
    const jar = new CookieJar();
    const page = await call(kith, "GET", `/oauth/authorize?${new URLSearchParams(codeQuery(app))}`, { cookies: jar });
    return { jar, fields: hiddenFields(page.body) };
  }
  const post = (form: Record<string, string>, cookies?: CookieJar) =>
    call(kith, "POST", "/oauth/authorize", { form: { ...form, decision: "approve", login: "alice", password: PASSWORD }, cookies });

  it("are refused without the browser's cookie (a cross-site POST)", async () => {
    const before = await count(kith, "AuthorizationCode");
    const { fields } = await openForm();
    const res = await post(fields);
    expect(res.status).toBe(403);
    expect(res.headers.location).toBeUndefined();
    expect(await count(kith, "AuthorizationCode")).toBe(before);
  });

  it("are refused with another browser's form token", async () => {
    const mine = await openForm();
    const theirs = await openForm();
    expect((await post(theirs.fields, mine.jar)).status).toBe(403);
  });

  it("are refused when the parameters were changed after the page was shown", async () => {
    const { jar, fields } = await openForm();
    expect((await post({ ...fields, scope: "read write follow" }, jar)).status).toBe(403);
    expect((await post({ ...fields, form_token: `${fields.form_token}x` }, jar)).status).toBe(403);
  });

  it("pass with the page's own token and cookie", async () => {
    const { jar, fields } = await openForm();
    expect((await post(fields, jar)).status).toBe(303);
  });
});

describe("client credentials and scopes", () => {
  it("an app token has no user: it cannot read a home timeline", async () => {
    const token = await clientToken(kith, app, "read write:accounts");
    const home = await call(kith, "GET", "/api/v1/timelines/home", { token });
    expect(home.status).toBe(422);
    expect(home.json.error).toMatch(/authenticated user/);
    const narrow = await clientToken(kith, app, "write:accounts");
    expect((await call(kith, "GET", "/api/v1/timelines/home", { token: narrow })).status).toBe(403);
    const [row] = await sql<{ accountId: string | null; scopes: string[] }>(kith, `select "accountId", scopes from "AccessToken" where "applicationId" = $1 order by id desc limit 1`, [app.id]);
    expect(row).toEqual({ accountId: null, scopes: ["write:accounts"] });
  });

  it("defaults to read, and gets no refresh token", async () => {
    const res = await call(kith, "POST", "/oauth/token", { form: { grant_type: "client_credentials", client_id: app.client_id, client_secret: app.client_secret } });
    expect(res.json.scope).toBe("read");
    expect(res.json.refresh_token).toBeUndefined();
  });

  it("an app registered for read cannot get write, by any grant", async () => {
    const readOnly = await registerApp(kith, "read");
    const cc = await call(kith, "POST", "/oauth/token", { form: { grant_type: "client_credentials", scope: "read write", client_id: readOnly.client_id, client_secret: readOnly.client_secret } });
    expect(cc.status).toBe(400);
    expect(cc.json.error).toBe("invalid_scope");
    const page = await call(kith, "GET", `/oauth/authorize?${new URLSearchParams(codeQuery(readOnly, { scope: "write" }))}`);
    expect(redirectParams(page).get("error")).toBe("invalid_scope");
  });

  it("a token may narrow the app's scopes, and the narrow token is held to them", async () => {
    const { code, verifier } = await codeFor(app, { scope: "read:statuses" });
    const res = await exchange(app, { code, code_verifier: verifier });
    expect(res.json.scope).toBe("read:statuses");
    const token = res.json.access_token;
    expect((await call(kith, "GET", "/api/v1/timelines/home", { token })).status).toBe(200);
    const post = await call(kith, "POST", "/api/v1/statuses", { token, json: { status: "not allowed" } });
    expect(post.status).toBe(403);
    const refreshed = await call(kith, "POST", "/oauth/token", { form: { grant_type: "refresh_token", refresh_token: res.json.refresh_token, scope: "read write", client_id: app.client_id, client_secret: app.client_secret } });
    expect(refreshed.json.error).toBe("invalid_scope");
  });
});

describe("revocation", () => {
  it("answers {} for unknown tokens, 401 for a bad client, 403 for another app's token", async () => {
    const token = await clientToken(kith, app);
    const other = await registerApp(kith);
    expect((await call(kith, "POST", "/oauth/revoke", { form: { token: "unknown", client_id: app.client_id, client_secret: app.client_secret } })).json).toEqual({});
    const bad = await call(kith, "POST", "/oauth/revoke", { form: { token, client_id: app.client_id, client_secret: "wrong" } });
    expect(bad.status).toBe(401);
    expect(bad.json.error).toBe("invalid_client");
    const foreign = await call(kith, "POST", "/oauth/revoke", { form: { token, client_id: other.client_id, client_secret: other.client_secret } });
    expect(foreign.status).toBe(403);
    expect(foreign.json.error).toBe("unauthorized_client");
    expect((await call(kith, "GET", "/api/v1/apps/verify_credentials", { token })).status).toBe(200);
    const basic = Buffer.from(`${app.client_id}:${app.client_secret}`).toString("base64");
    expect((await call(kith, "POST", "/oauth/revoke", { headers: { authorization: `Basic ${basic}` }, json: { token } })).status).toBe(200);
    expect((await call(kith, "GET", "/api/v1/apps/verify_credentials", { token })).status).toBe(401);
  });
});

describe("token bookkeeping", () => {
  it("records lastUsedAt at most once an hour", async () => {
    const token = await clientToken(kith, app);
    const lastUsed = async () => (await sql<{ lastUsedAt: Date | null }>(kith, `select "lastUsedAt" from "AccessToken" where "applicationId" = $1 order by id desc limit 1`, [app.id]))[0]!.lastUsedAt;
    expect(await lastUsed()).toBeNull();
    await call(kith, "GET", "/api/v1/apps/verify_credentials", { token });
    const first = await lastUsed();
    expect(first).toBeInstanceOf(Date);
    await sql(kith, `update "AccessToken" set "lastUsedAt" = now() - interval '30 minutes' where "applicationId" = $1`, [app.id]);
    const halfHour = await lastUsed();
    await call(kith, "GET", "/api/v1/apps/verify_credentials", { token });
    expect(await lastUsed()).toEqual(halfHour);
    await sql(kith, `update "AccessToken" set "lastUsedAt" = now() - interval '2 hours' where "applicationId" = $1`, [app.id]);
    await call(kith, "GET", "/api/v1/apps/verify_credentials", { token });
    expect((await lastUsed())!.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it("a token with an expiry stops working after it", async () => {
    const token = await clientToken(kith, app);
    await sql(kith, `update "AccessToken" set "expiresAt" = now() - interval '1 second' where "applicationId" = $1 and "revokedAt" is null and "expiresAt" is null`, [app.id]);
    expect((await call(kith, "GET", "/api/v1/apps/verify_credentials", { token })).status).toBe(401);
  });
});
