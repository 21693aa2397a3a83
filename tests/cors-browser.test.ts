import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ensureChromium, launchBrowser, serveEmptyPage, type Browser } from "./helpers/browser.ts";
import { localUser, startInProcess, type InProcess } from "./helpers/in-process.ts";
import { waitFor } from "./helpers/wait.ts";

// A browser app served from another origin (Elk, Phanpy, Mastodon's web app
// hosted elsewhere) in headless Chromium: the page's own scripts register an
// app, read the account and the home timeline with a bearer token, page with
// the Link header, post with JSON and an Idempotency-Key, and receive a post
// live over the WebSocket and the event stream. Only CORS lets a page do any
// of it; tests/cors.test.ts checks the rules themselves.

let kith: InProcess;
let kithOrigin: string;
let token: string;
let page: Page;
let browser: Browser | undefined;
let elsewhere: Awaited<ReturnType<typeof serveEmptyPage>> | undefined;
const consoleErrors: string[] = [];

/** An API call from the test itself (same process, no browser). */
async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${kithOrigin}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.json();
}

beforeAll(async () => {
  await ensureChromium();
  // Mastodon's own rate limits, so the page can be seen reading their headers.
  kith = await startInProcess("cors_browser", { KITH_RATE_LIMITS: "on" });
  kithOrigin = kith.core.config.publicUrl.origin;
  ({ token } = await localUser(kith, "reader"));
  for (const text of ["first", "second"]) await api("POST", "/api/v1/statuses", { status: text });
  await waitFor(async () => (await api("GET", "/api/v1/timelines/home")).length === 2, "both posts in the home timeline");
  elsewhere = await serveEmptyPage();
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.on("console", (message) => void (message.type() === "error" && consoleErrors.push(message.text())));
  await page.goto(elsewhere.origin);
}, 15 * 60_000);

afterAll(async () => {
  await browser?.close();
  await elsewhere?.close();
  await kith?.destroy();
});

type PageArgs = { kith: string; token: string };

/** Runs a script in the page, given the server's origin and the token; a failure says what the browser logged (a CORS refusal names the header missing). */
async function inPage<R>(script: (args: PageArgs) => Promise<R>): Promise<R> {
  try {
    return await page.evaluate(script, { kith: kithOrigin, token });
  } catch (err) {
    throw new Error(`${(err as Error).message}\nbrowser console:\n${consoleErrors.join("\n")}`);
  }
}

it("lets a page from another origin use the client API and the streaming API", { timeout: 60_000 }, async () => {
  expect(new URL(elsewhere!.origin).port).not.toBe(new URL(kithOrigin).port);

  const seen = await inPage(async ({ kith, token }) => {
    const read = async (res: Response) => ({ status: res.status, body: await res.json(), link: res.headers.get("link"), remaining: res.headers.get("x-ratelimit-remaining") });
    const call = (path: string, init: RequestInit = {}) =>
      fetch(`${kith}${path}`, init).then(read, (err) => {
        throw new Error(`${init.method ?? "GET"} ${path}: ${err}`);
      });
    const asJson = (body: unknown, headers: Record<string, string> = {}) => ({ method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
    const bearer = { authorization: `Bearer ${token}` };

    const app = await call("/api/v1/apps", asJson({ client_name: "Elsewhere", redirect_uris: "urn:ietf:wg:oauth:2.0:oob", scopes: "read" }));
    const appToken = await call("/oauth/token", asJson({ grant_type: "client_credentials", client_id: app.body.client_id, client_secret: app.body.client_secret, scope: "read" }));
    const me = await call("/api/v1/accounts/verify_credentials", { headers: bearer });
    const home = await call("/api/v1/timelines/home?limit=1", { headers: bearer });
    const post = () => call("/api/v1/statuses", asJson({ status: "Posted from elsewhere" }, { ...bearer, "idempotency-key": "elsewhere-1" }));
    const posted = await post();
    const postedAgain = await post();
    return { app, appToken, me, home, posted, postedAgain };
  });

  expect(seen.app.status).toBe(200);
  expect(seen.appToken).toMatchObject({ status: 200, body: { token_type: "Bearer", scope: "read" } });
  expect(seen.me).toMatchObject({ status: 200, body: { username: "reader" } });
  expect(seen.me.remaining).toMatch(/^\d+$/);
  expect(seen.home.status).toBe(200);
  expect(seen.home.body).toHaveLength(1);
  expect(seen.home.link).toContain(`rel="next"`);
  expect(seen.home.link).toContain(`max_id=${seen.home.body[0].id}`);
  expect(seen.posted).toMatchObject({ status: 200, body: { content: expect.stringContaining("Posted from elsewhere") } });
  expect(seen.postedAgain.body.id).toBe(seen.posted.body.id);

  // Both transports open (the WebSocket needs no CORS; the event stream does), then a post arrives on each.
  await inPage(
    ({ kith, token }) =>
      new Promise<void>((resolve, reject) => {
        const received: { websocket: string[]; eventStream: string[] } = { websocket: [], eventStream: [] };
        Object.assign(window, { received });
        let opened = 0;
        const open = () => void (++opened === 2 && resolve());
        const socket = new WebSocket(`${kith.replace(/^http/, "ws")}/api/v1/streaming?access_token=${token}&stream=user`);
        socket.onopen = open;
        socket.onerror = () => reject(new Error("the WebSocket did not open"));
        socket.onmessage = (message) => {
          const event = JSON.parse(message.data);
          if (event.event === "update") received.websocket.push(JSON.parse(event.payload).id);
        };
        const events = new EventSource(`${kith}/api/v1/streaming/user?access_token=${token}`);
        events.onopen = open;
        events.onerror = () => reject(new Error("the event stream did not open"));
        events.addEventListener("update", (event) => received.eventStream.push(JSON.parse(event.data).id));
      }),
  );
  const live = await api("POST", "/api/v1/statuses", { status: "Posted while the page listens" });
  await page.waitForFunction(
    (id) => {
      const { received } = window as unknown as { received: { websocket: string[]; eventStream: string[] } };
      return received.websocket.includes(id) && received.eventStream.includes(id);
    },
    live.id,
    { timeout: 15_000 },
  );
});
