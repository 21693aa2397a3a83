import { createServer } from "node:http";
import { once } from "node:events";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";

// With KITH_ALLOW_PRIVATE_ADDRESS off (the default), no lookup a user can
// trigger reaches a loopback server: not WebFinger, not an actor fetch.

let kith: InProcess;
let hits = 0;
const server = createServer((_req, res) => {
  hits++;
  res.writeHead(200, { "content-type": "application/activity+json" }).end("{}");
});
let port = 0;

beforeAll(async () => {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  port = (server.address() as { port: number }).port;
  kith = await startInProcess("ssrf", { KITH_ALLOW_PRIVATE_ADDRESS: "false" });
}, 60_000);

afterAll(async () => {
  server.close();
  await kith?.destroy();
});

it("resolving handles and URLs on private addresses finds nothing and sends nothing", async () => {
  const me = await kith.core.accounts.createLocal("gina");
  const token = await kith.core.tokens.issue(me.id);
  for (const q of [`evil@127.0.0.1:${port}`, `http://127.0.0.1:${port}/users/evil`, `http://[::1]:${port}/users/evil`, `http://localhost:${port}/users/evil`]) {
    const res = await kith.app!.inject({ method: "GET", url: `/api/v2/search?resolve=true&q=${encodeURIComponent(q)}`, headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ accounts: [], statuses: [] });
  }
  expect(hits).toBe(0);
});
