import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "./cli.ts";
import { png } from "./images.ts";
import { KithInstance } from "./instance.ts";
import { CookieJar, hiddenFields } from "./oauth-client.ts";

// What the client-library suites (masto.js, megalodon) need besides the
// library itself: real instances with a media directory, an operator's CLI,
// and the user's browser for the one step of OAuth no library can do.

export const OOB = "urn:ietf:wg:oauth:2.0:oob";

/** A started instance with its own media directory; `destroy` removes both. */
export async function startInstance(label: string): Promise<{ instance: KithInstance; destroy: () => Promise<void> }> {
  const mediaDir = await mkdtemp(join(tmpdir(), `kith-${label}-media-`));
  const instance = await KithInstance.create(label, { KITH_MEDIA_DIR: mediaDir });
  await instance.start();
  return {
    instance,
    destroy: async () => {
      await instance.destroy();
      await rm(mediaDir, { recursive: true, force: true });
    },
  };
}

/** Runs `kith <args>` against the instance as its operator would; fails loudly if the command does. */
export async function operator(instance: KithInstance, args: string[]): Promise<any> {
  const result = await runCli(instance.env, args);
  if (result.code !== 0) throw new Error(`kith ${args.join(" ")} exited ${result.code}: ${result.stderr || result.stdout}`);
  return result.json;
}

/** A small, real PNG as the Blob a browser or app would upload. */
export function pngBlob(width = 4, height = 3): Blob {
  return new Blob([new Uint8Array(png(width, height))], { type: "image/png" });
}

/**
 * The browser half of the authorization-code flow: opens the app's
 * authorization URL, signs in on the page and approves, and returns the code
 * the app receives, from the redirect or (out of band) from the code page.
 */
export async function approveInBrowser(authorizeUrl: string, login: string, password: string): Promise<string> {
  const cookies = new CookieJar();
  const browse = async (url: string, init: RequestInit = {}) => {
    const res = await fetch(url, { ...init, redirect: "manual", headers: { ...(init.headers as Record<string, string>), cookie: cookies.header() } });
    cookies.store(res.headers.getSetCookie());
    return { res, html: await res.text() };
  };
  const page = await browse(authorizeUrl);
  if (page.res.status !== 200) throw new Error(`authorization page: ${page.res.status} ${page.html.slice(0, 300)}`);
  const form = new URLSearchParams({ ...hiddenFields(page.html), login, password, decision: "approve" });
  const action = new URL("/oauth/authorize", authorizeUrl).href;
  const result = await browse(action, { method: "POST", body: form, headers: { "content-type": "application/x-www-form-urlencoded" } });
  const location = result.res.headers.get("location");
  const code = location ? new URL(location).searchParams.get("code") : /<input readonly id="code" value="([^"]+)">/.exec(result.html)?.[1];
  if (!code) throw new Error(`no authorization code: ${result.res.status} ${location ?? result.html.slice(0, 300)}`);
  return code;
}
