import { createHash, randomBytes } from "node:crypto";
import pg from "pg";
import type { InProcess } from "./in-process.ts";

// An OAuth client and a browser, talking to an in-process Kith over HTTP
// (app.inject) the way a Mastodon app and its user's browser do.

export type Reply = { status: number; headers: Record<string, unknown>; body: string; json: any };

export type Call = {
  token?: string | null;
  json?: unknown;
  form?: Record<string, string>;
  headers?: Record<string, string>;
  cookies?: CookieJar;
};

export async function call(kith: InProcess, method: string, url: string, options: Call = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let payload: string | undefined;
  if (options.json !== undefined) {
    headers["content-type"] = "application/json";
    payload = JSON.stringify(options.json);
  } else if (options.form) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    payload = new URLSearchParams(options.form).toString();
  }
  const cookie = options.cookies?.header();
  if (cookie) headers.cookie = cookie;
  const res = await kith.app!.inject({ method: method as "GET", url, headers, payload });
  options.cookies?.store(res.headers["set-cookie"]);
  let json: unknown = undefined;
  try {
    json = JSON.parse(res.body);
  } catch {
    // HTML pages and redirects
  }
  return { status: res.statusCode, headers: res.headers as Record<string, unknown>, body: res.body, json };
}

/** What a browser keeps: name=value pairs from Set-Cookie, sent back on the next request. */
export class CookieJar {
  readonly values = new Map<string, string>();
  store(setCookie: unknown) {
    for (const line of Array.isArray(setCookie) ? setCookie : setCookie ? [String(setCookie)] : []) {
      const [pair] = String(line).split(";");
      const eq = pair!.indexOf("=");
      this.values.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
  }
  header(): string {
    return [...this.values].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

/** The hidden fields of the authorization form, as a browser would submit them. */
export function hiddenFields(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) out[unescape(m[1]!)] = unescape(m[2]!);
  return out;
}

export function pkce() {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

export type App = { id: string; client_id: string; client_secret: string; redirect_uri: string; scopes: string[] };

export async function registerApp(kith: InProcess, scopes = "read write follow", redirectUris: string | string[] = "https://app.example/callback", name = "Test App"): Promise<App> {
  const res = await call(kith, "POST", "/api/v1/apps", { json: { client_name: name, redirect_uris: redirectUris, scopes } });
  if (res.status !== 200) throw new Error(`app registration failed: ${res.status} ${res.body}`);
  return res.json;
}

export async function clientToken(kith: InProcess, app: App, scope?: string): Promise<string> {
  const res = await call(kith, "POST", "/oauth/token", {
    form: { grant_type: "client_credentials", client_id: app.client_id, client_secret: app.client_secret, ...(scope ? { scope } : {}) },
  });
  if (res.status !== 200) throw new Error(`client_credentials failed: ${res.status} ${res.body}`);
  return res.json.access_token;
}

/**
 * The browser part of the code flow: opens the authorization page, signs in
 * (when credentials are given) and approves. Returns the final answer,
 * usually a 303 to the app's redirect URI.
 */
export async function authorize(
  kith: InProcess,
  query: Record<string, string>,
  options: { login?: string; password?: string; decision?: string; cookies?: CookieJar } = {},
): Promise<{ page: Reply; result: Reply; cookies: CookieJar }> {
  const cookies = options.cookies ?? new CookieJar();
  const page = await call(kith, "GET", `/oauth/authorize?${new URLSearchParams(query)}`, { cookies });
  if (page.status !== 200) return { page, result: page, cookies };
  const form = { ...hiddenFields(page.body), decision: options.decision ?? "approve" };
  if (options.login !== undefined) Object.assign(form, { login: options.login, password: options.password ?? "" });
  const result = await call(kith, "POST", "/oauth/authorize", { form, cookies });
  return { page, result, cookies };
}

/** The code and state the redirect carries back to the app. */
export function redirectParams(reply: Reply): URLSearchParams {
  if (reply.status !== 303) throw new Error(`expected a redirect, got ${reply.status}: ${reply.body.slice(0, 300)}`);
  return new URL(String(reply.headers.location)).searchParams;
}

/** A direct look into the test database, to check what was (not) stored. */
export async function sql<T = Record<string, unknown>>(kith: InProcess, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: kith.core.config.databaseUrl });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

export const count = async (kith: InProcess, table: string, where = "true", values: unknown[] = []) =>
  Number((await sql<{ n: string }>(kith, `select count(*) as n from "${table}" where ${where}`, values))[0]!.n);
