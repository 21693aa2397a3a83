import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { createFederation, MemoryKvStore, SendActivityError, verifyRequest, type Federation } from "@fedify/fedify";
import { Create, Note } from "@fedify/vocab";
import { preloadedContexts, type DocumentLoader } from "@fedify/vocab-runtime";
import { afterEach, describe, expect, it } from "vitest";
import { outboxTransport, type OutboxRequest, type OutboxTransportOptions } from "../federation/outbox-transport.ts";

// Kith's own delivery transport, plugged into Fedify through the patched
// `outboxTransport` option: every test sends through Fedify's real
// sendActivity (no queue, so at once) to a loopback server, and checks what
// that server received with Fedify's own signature verification.

const ACTOR = "https://kith.example/users/alice";
const KEY_ID = `${ACTOR}#main-key`;
const CAVAGE = "draft-cavage-http-signatures-12";

const keys = (await crypto.subtle.generateKey(
  { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
  true,
  ["sign", "verify"],
)) as CryptoKeyPair;
const spki = Buffer.from(await crypto.subtle.exportKey("spki", keys.publicKey)).toString("base64");
const publicKeyPem = `-----BEGIN PUBLIC KEY-----\n${spki.match(/.{1,64}/g)!.join("\n")}\n-----END PUBLIC KEY-----\n`;

const actorDocument = {
  "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
  id: ACTOR,
  type: "Person",
  inbox: `${ACTOR}/inbox`,
  publicKey: { id: KEY_ID, owner: ACTOR, publicKeyPem },
};
const documentLoader: DocumentLoader = async (url) => {
  if (url.replace(/#.*$/, "") !== ACTOR) throw new Error(`offline: ${url}`);
  return { contextUrl: null, documentUrl: url, document: actorDocument };
};
const contextLoader: DocumentLoader = async (url) => {
  const context = (preloadedContexts as Record<string, unknown>)[url];
  if (!context) throw new Error(`offline: no preloaded context ${url}`);
  return { contextUrl: null, documentUrl: url, document: context };
};

type Received = { method: string; path: string; headers: Record<string, string>; body: string; socket: Socket; verified: boolean };
type Handler = (req: Received, res: ServerResponse) => void;

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => (s.closeAllConnections(), s.close(r)))));
});

/** A loopback inbox: records each request (with whether its signature verifies, per Fedify) and answers with `handler`. */
async function inboxServer(handler: Handler = (_, res) => res.writeHead(202).end()) {
  const received: Received[] = [];
  const connections: Socket[] = [];
  const server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
    const web = new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method,
      headers: Object.entries(headers).filter(([k]) => k !== "connection" && k !== "content-length"),
      body,
    });
    const key = await verifyRequest(web, { documentLoader, contextLoader, timeWindow: { minutes: 5 } });
    const r = { method: req.method!, path: req.url!, headers, body, socket: req.socket, verified: key?.id?.href === KEY_ID };
    received.push(r);
    handler(r, res);
  });
  server.on("connection", (s) => connections.push(s));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  servers.push(server);
  const port = (server.address() as AddressInfo).port;
  return { received, connections, origin: `http://127.0.0.1:${port}`, inbox: `http://127.0.0.1:${port}/inbox` };
}

function federationWith(transport: OutboxTransportOptions | ((r: OutboxRequest) => Promise<Response>), kv = new MemoryKvStore()) {
  const send = typeof transport === "function" ? transport : outboxTransport(transport);
  const federation: Federation<void> = createFederation<void>({ kv, allowPrivateAddress: true, firstKnock: CAVAGE, outboxTransport: send });
  return { federation, kv };
}

let n = 0;
function create(text = "hello") {
  const id = `${ACTOR}/statuses/${++n}`;
  return new Create({ id: new URL(`${id}/activity`), actor: new URL(ACTOR), object: new Note({ id: new URL(id), attribution: new URL(ACTOR), content: text }) });
}

async function deliver(federation: Federation<void>, inbox: string, activity = create()) {
  const ctx = federation.createContext(new URL("https://kith.example"), undefined);
  await ctx.sendActivity([{ keyId: new URL(KEY_ID), privateKey: keys.privateKey }], { id: new URL(`${inbox}#recipient`), inboxId: new URL(inbox) }, activity);
}

const options: OutboxTransportOptions = { allowPrivateAddress: true, userAgent: "Kith/test (+https://kith.example/)" };
const specOf = (kv: MemoryKvStore, origin: string) => kv.get(["_fedify", "httpMessageSignaturesSpec", origin]);

describe("outbox transport", () => {
  it("sends a draft-cavage signed POST that Fedify verifies, with Kith's user agent, and remembers the spec", async () => {
    const remote = await inboxServer();
    const { federation, kv } = federationWith(options);
    await deliver(federation, remote.inbox, create("first"));
    expect(remote.received).toHaveLength(1);
    const [got] = remote.received;
    expect(got!.verified).toBe(true);
    expect(got!.headers["user-agent"]).toBe(options.userAgent);
    expect(got!.headers["content-type"]).toBe("application/activity+json");
    expect(got!.headers.signature).toMatch(/headers="\(request-target\) host date digest content-type"/);
    expect(JSON.parse(got!.body).object.content).toBe("first");
    expect(await specOf(kv, remote.origin)).toBe(CAVAGE);
  });

  it("reuses the connection for the next delivery to the same host", async () => {
    const remote = await inboxServer();
    const { federation } = federationWith(options);
    await deliver(federation, remote.inbox);
    await deliver(federation, remote.inbox);
    expect(remote.received.map((r) => r.verified)).toEqual([true, true]);
    expect(remote.connections).toHaveLength(1);
  });

  it("falls back to Fedify's double knock when a server refuses draft-cavage, and then goes straight to RFC 9421", async () => {
    const remote = await inboxServer((r, res) => res.writeHead(r.headers["signature-input"] ? 202 : 401).end("cavage? no"));
    const { federation, kv } = federationWith(options);
    await deliver(federation, remote.inbox);
    const first = remote.received.map((r) => (r.headers["signature-input"] ? "rfc9421" : "cavage"));
    expect(first.at(-1)).toBe("rfc9421");
    expect(remote.received.at(-1)!.verified).toBe(true);
    expect(await specOf(kv, remote.origin)).toBe("rfc9421");

    remote.received.length = 0;
    await deliver(federation, remote.inbox);
    expect(remote.received.map((r) => Boolean(r.headers["signature-input"]))).toEqual([true]);
    expect(remote.received[0]!.verified).toBe(true);
  });

  it("hands a 5xx back to Fedify as it came (status, Retry-After, the start of the body) after one request", async () => {
    const remote = await inboxServer((_, res) => res.writeHead(503, { "retry-after": "120" }).end("x".repeat(5_000)));
    const { federation } = federationWith(options);
    const error = await deliver(federation, remote.inbox).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(SendActivityError);
    const e = error as SendActivityError;
    expect(e.statusCode).toBe(503);
    expect(e.responseHeaders?.get("retry-after")).toBe("120");
    expect(e.responseBody.length).toBeLessThanOrEqual(1_100);
    expect(e.responseBody.startsWith("xxxx")).toBe(true);
    expect(remote.received).toHaveLength(1);
  });

  it("a 410 is one request and a SendActivityError with that status", async () => {
    const remote = await inboxServer((_, res) => res.writeHead(410).end("gone"));
    const { federation } = federationWith(options);
    const error = (await deliver(federation, remote.inbox).catch((e: unknown) => e)) as SendActivityError;
    expect(error.statusCode).toBe(410);
    expect(remote.received).toHaveLength(1);
  });

  it("follows a redirect through Fedify and delivers, signed for the new address", async () => {
    const remote = await inboxServer((r, res) => (r.path === "/inbox" ? res.writeHead(307, { location: "/moved-inbox" }).end() : res.writeHead(202).end()));
    const { federation } = federationWith(options);
    await deliver(federation, remote.inbox);
    const last = remote.received.at(-1)!;
    expect(last.path).toBe("/moved-inbox");
    expect(last.verified).toBe(true);
  });

  it("retries once on a fresh connection when a kept-alive one turns out closed", async () => {
    let served = 0;
    const remote = await inboxServer((r, res) => {
      served++;
      // The second request on the first connection: drop it without an answer, as a server whose idle timer just fired.
      if (served === 2) r.socket.destroy();
      else res.writeHead(202).end();
    });
    const { federation } = federationWith(options);
    await deliver(federation, remote.inbox);
    await deliver(federation, remote.inbox);
    expect(remote.received).toHaveLength(3);
    expect(remote.connections).toHaveLength(2);
  });

  it("gives up on a server that goes silent, as a transport failure", async () => {
    const remote = await inboxServer(() => {});
    const { federation } = federationWith({ ...options, idleTimeoutMs: 300, deadlineMs: 600 });
    const started = Date.now();
    const error = await deliver(federation, remote.inbox).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(SendActivityError);
    expect(String(error)).toMatch(/silent|answer/);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("refuses private addresses unless allowed: an IP literal before connecting, a name after resolving it", async () => {
    const remote = await inboxServer();
    const { federation } = federationWith({ ...options, allowPrivateAddress: false });
    await expect(deliver(federation, remote.inbox)).rejects.toThrow(/private address/);
    await expect(deliver(federation, remote.inbox.replace("127.0.0.1", "localhost"))).rejects.toThrow(/private address/);
    expect(remote.connections).toHaveLength(0);
  });

  it("gives Fedify's double knock a redirect check that refuses private addresses", async () => {
    const seen: ((url: string) => Promise<void> | void)[] = [];
    const send = outboxTransport({ ...options, allowPrivateAddress: false });
    const response = await send({
      inbox: new URL("http://93.184.216.34/inbox"),
      body: "{}",
      headers: new Headers({ "content-type": "application/activity+json" }),
      keyId: new URL(KEY_ID),
      privateKey: keys.privateKey,
      specDeterminer: { determineSpec: async () => "rfc9421", rememberSpec: async () => {} },
      doubleKnock: async (validateRedirect) => {
        seen.push(validateRedirect!);
        return new Response(null, { status: 202 });
      },
    });
    expect(response.status).toBe(202);
    expect(seen).toHaveLength(1);
    // Fedify's fetch makes its own connection, so its first hop is checked before it is handed over.
    const knocked: string[] = [];
    await expect(
      send({
        inbox: new URL("http://localhost:9/inbox"),
        body: "{}",
        headers: new Headers(),
        keyId: new URL(KEY_ID),
        privateKey: keys.privateKey,
        specDeterminer: { determineSpec: async () => "rfc9421", rememberSpec: async () => {} },
        doubleKnock: async () => (knocked.push("sent"), new Response(null, { status: 202 })),
      }),
    ).rejects.toThrow(/private address/);
    expect(knocked).toEqual([]);
    await expect(Promise.resolve(seen[0]!("http://10.0.0.1/inbox"))).rejects.toThrow(/private address/);
    await expect(Promise.resolve(seen[0]!("http://93.184.216.34/other"))).resolves.toBeUndefined();
  });
});
