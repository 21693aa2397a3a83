import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";
import { authorize, call, CookieJar, count, hiddenFields, redirectParams, registerApp, type App } from "./helpers/oauth-client.ts";

// Signing out of the browser session the authorization page keeps
// (POST /auth/sign_out, from the page's own button): the session ends on the
// server too, so a copy of the cookie stops working, and another site cannot
// sign anyone out.

const PASSWORD = "correct horse battery";

let kith: InProcess;
let app: App;

const query = () => ({ response_type: "code", client_id: app.client_id, redirect_uri: app.redirect_uri, scope: "read" });
const authorizeUrl = () => `/oauth/authorize?${new URLSearchParams(query())}`;

/** A browser signed in as alice at the authorization page. */
async function signedIn() {
  const { result, cookies } = await authorize(kith, query(), { login: "alice", password: PASSWORD });
  expect(result.status).toBe(303);
  return cookies;
}

/** The authorization page as that browser sees it, with its sign-out form's fields. */
async function pageFor(cookies: CookieJar) {
  const page = await call(kith, "GET", authorizeUrl(), { cookies });
  expect(page.status).toBe(200);
  const fields = hiddenFields(page.body);
  return { page, signOut: { sign_out_token: fields.sign_out_token ?? "", return_to: fields.return_to ?? "" } };
}

const isSignedIn = async (cookies: CookieJar) => (await call(kith, "GET", authorizeUrl(), { cookies })).body.includes("Signed in as <strong>@alice@");

/** Approving without a password: works only for a signed-in browser. */
async function approveWithSession(cookies: CookieJar) {
  const { page } = await pageFor(cookies);
  return call(kith, "POST", "/oauth/authorize", { form: { ...hiddenFields(page.body), decision: "approve" }, cookies });
}

beforeAll(async () => {
  kith = await startInProcess("oauth_sign_out");
  app = await registerApp(kith, "read");
  const alice = await kith.core.accounts.createLocal("alice");
  await kith.core.signIn.setPassword(alice.id, PASSWORD);
}, 60_000);

afterAll(async () => kith?.destroy());

describe("signing out", () => {
  it("offers a signed-in browser a sign-out button, and none to a browser that is not", async () => {
    const cookies = await signedIn();
    const { page, signOut } = await pageFor(cookies);
    expect(page.body).toContain('<form method="post" action="/auth/sign_out">');
    expect(signOut.sign_out_token).not.toBe("");
    expect(signOut.return_to).toBe(authorizeUrl());
    const anonymous = await call(kith, "GET", authorizeUrl(), { cookies: new CookieJar() });
    expect(anonymous.body).not.toContain("/auth/sign_out");
  });

  it("ends the session, clears the cookie and goes back to the authorization page, which asks to sign in", async () => {
    const cookies = await signedIn();
    const { signOut } = await pageFor(cookies);
    const res = await call(kith, "POST", "/auth/sign_out", { form: signOut, cookies });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(authorizeUrl());
    expect(String(res.headers["set-cookie"])).toMatch(/kith_session=;.*Path=\/.*Max-Age=0/);
    expect(cookies.values.get("kith_session")).toBe("");
    expect(await isSignedIn(cookies)).toBe(false);
    const codes = await count(kith, "AuthorizationCode");
    const approval = await approveWithSession(cookies);
    expect(approval.status).toBe(401);
    expect(approval.body).toContain("Please sign in.");
    expect(await count(kith, "AuthorizationCode")).toBe(codes);
  });

  it("ends it on the server: a copy of the cookie kept from before no longer works", async () => {
    const cookies = await signedIn();
    const copy = new CookieJar();
    for (const [name, value] of cookies.values) copy.values.set(name, value);
    expect(await isSignedIn(copy)).toBe(true);
    const { signOut } = await pageFor(cookies);
    expect((await call(kith, "POST", "/auth/sign_out", { form: signOut, cookies })).status).toBe(303);
    expect(await isSignedIn(copy)).toBe(false);
    expect((await approveWithSession(copy)).status).toBe(401);
  });

  it("ends only that browser's session", async () => {
    const mine = await signedIn();
    const other = await signedIn();
    const { signOut } = await pageFor(mine);
    await call(kith, "POST", "/auth/sign_out", { form: signOut, cookies: mine });
    expect(await isSignedIn(mine)).toBe(false);
    expect(await isSignedIn(other)).toBe(true);
    expect(redirectParams(await approveWithSession(other)).get("code")).toBeTruthy();
  });

  it("sends the browser nowhere but the authorization page", async () => {
    const cookies = await signedIn();
    const { signOut } = await pageFor(cookies);
    const res = await call(kith, "POST", "/auth/sign_out", { form: { ...signOut, return_to: "https://evil.example/" }, cookies });
    expect(res.status).toBe(200);
    expect(res.headers.location).toBeUndefined();
    expect(res.body).toContain("You have signed out.");
    expect(await isSignedIn(cookies)).toBe(false);
    const again = await signedIn();
    const next = await pageFor(again);
    const protocolRelative = await call(kith, "POST", "/auth/sign_out", { form: { ...next.signOut, return_to: "//evil.example/oauth/authorize?x=1" }, cookies: again });
    expect(protocolRelative.status).toBe(200);
  });
});

describe("forged sign-outs", () => {
  it("are refused without the browser's cookies (a cross-site POST), and the session stays", async () => {
    const cookies = await signedIn();
    const { signOut } = await pageFor(cookies);
    const forged = await call(kith, "POST", "/auth/sign_out", { form: signOut });
    expect(forged.status).toBe(403);
    expect(forged.headers["set-cookie"]).toBeUndefined();
    expect(await isSignedIn(cookies)).toBe(true);
  });

  it("are refused with another browser's token, a tampered token, an authorization-form token or none", async () => {
    const cookies = await signedIn();
    const theirs = await pageFor(await signedIn());
    const mine = await pageFor(cookies);
    const attempts = [
      theirs.signOut,
      { ...mine.signOut, sign_out_token: `${mine.signOut.sign_out_token}x` },
      { ...mine.signOut, sign_out_token: hiddenFields(mine.page.body).form_token! },
      { return_to: mine.signOut.return_to },
    ];
    for (const form of attempts) {
      const res = await call(kith, "POST", "/auth/sign_out", { form, cookies });
      expect(res.status).toBe(403);
      expect(res.body).toContain("Please try again");
    }
    expect(await isSignedIn(cookies)).toBe(true);
  });
});
