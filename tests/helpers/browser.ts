import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { once } from "node:events";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { chromium, type BrowserContext } from "playwright-core";

// Headless Chromium for tests that need a real browser (CORS, what pages may
// read): Debian's chromium, installed by scripts/ensure-chromium.sh on a fresh
// machine, since npm tools cannot download a browser build here.

const root = fileURLToPath(new URL("../..", import.meta.url));
const CHROMIUM = "/usr/bin/chromium";

/** Installs Debian's chromium if it is missing (needs root); the first time can take minutes. */
export async function ensureChromium(): Promise<void> {
  await promisify(execFile)("sh", [join(root, "scripts/ensure-chromium.sh")], { timeout: 10 * 60_000 }).catch((err: { stderr?: string }) => {
    throw new Error(err.stderr?.trim() || String(err));
  });
}

export type Browser = { context: BrowserContext; close(): Promise<void> };

/** A browser with a profile of its own, nothing fetched in the background, every page gone at close(). */
export async function launchBrowser(): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), "kith-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      await rm(profile, { recursive: true, force: true });
    },
  };
}

const EMPTY_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Elsewhere</title></head><body></body></html>`;

/** An empty page on a loopback port of its own: an origin other than the server's, for a page's scripts to run in. */
export async function serveEmptyPage(): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createServer((_request, response) => void response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(EMPTY_PAGE));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed;
    },
  };
}
