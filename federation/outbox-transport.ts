import { createHash, KeyObject, sign } from "node:crypto";
import { promisify } from "node:util";
import http from "node:http";
import https from "node:https";
import { assertPublicLiteral, assertPublicUrl, publicOnlyLookup } from "./ssrf.ts";

// Fedify's delivery builds a Web Request, signs it through WebCrypto's job
// queue, and sends it with undici's fetch and web streams; in the benchmark
// profile that machinery cost more CPU than the RSA signature itself. This
// transport (plugged in through Kith's Fedify patch, `outboxTransport`) sends
// the common case — a draft-cavage signature, as Mastodon expects — with
// node:crypto and a keep-alive node:http agent, and hands everything unusual
// back to Fedify's own double knock: a host known to want RFC 9421, a 400 or
// 401 (the signature may be what was refused), an Accept-Signature challenge,
// and redirects. Fedify keeps the rest: retries, the circuit breaker,
// permanent failures.
//
// It also guards the address at connect time (the resolved address, not a
// lookup made earlier), so a host whose DNS changes between our check and
// the connection still cannot make us POST to a private address.

const CAVAGE = "draft-cavage-http-signatures-12";
type Spec = typeof CAVAGE | "rfc9421";

export type OutboxRequest = {
  inbox: URL;
  body: string;
  headers: Headers;
  keyId: URL;
  privateKey: CryptoKey;
  specDeterminer?: { determineSpec(origin: string): Promise<Spec>; rememberSpec(origin: string, spec: Spec): Promise<void> };
  doubleKnock: (validateRedirect?: (url: string) => Promise<void> | void) => Promise<Response>;
};

export type OutboxTransportOptions = {
  allowPrivateAddress: boolean;
  userAgent: string;
  /** Mastodon's: 5 s to connect, 10 s of silence, 30 s in all. */
  connectTimeoutMs?: number;
  idleTimeoutMs?: number;
  deadlineMs?: number;
};

/** Enough of an error body for Fedify's log line and SendActivityError (it reads 1 KiB). */
const ERROR_BODY_BYTES = 1024;
const NULL_BODY_STATUSES = new Set([204, 205, 304]);

const signAsync = promisify(sign) as (algorithm: string, data: Buffer, key: KeyObject) => Promise<Buffer>;

const nodeKeys = new WeakMap<CryptoKey, KeyObject>();
function nodeKey(key: CryptoKey): KeyObject {
  let found = nodeKeys.get(key);
  if (!found) nodeKeys.set(key, (found = KeyObject.from(key)));
  return found;
}

/**
 * The bytes and digest of the few bodies being sent right now: a fan-out
 * sends one activity to every inbox, so they are made once, not once per
 * delivery.
 */
type Payload = { text: string; bytes: Buffer; digest: string };
const recentPayloads: Payload[] = [];
function payloadOf(text: string): Payload {
  const seen = recentPayloads.find((p) => p.text === text);
  if (seen) return seen;
  const bytes = Buffer.from(text, "utf8");
  const payload = { text, bytes, digest: `SHA-256=${createHash("sha256").update(bytes).digest("base64")}` };
  recentPayloads.unshift(payload);
  if (recentPayloads.length > 4) recentPayloads.pop();
  return payload;
}

export function outboxTransport(options: OutboxTransportOptions) {
  const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
  const idleTimeoutMs = options.idleTimeoutMs ?? 10_000;
  const deadlineMs = options.deadlineMs ?? 30_000;
  // `timeout` also ends idle kept-alive sockets; 4 s is undici's keep-alive
  // default, below the 5 s most servers keep an idle connection.
  const agentOptions = { keepAlive: true, keepAliveMsecs: 1_000, maxSockets: 16, maxFreeSockets: 4, timeout: 4_000, scheduling: "lifo" as const };
  const agents = { "http:": new http.Agent(agentOptions), "https:": new https.Agent({ ...agentOptions, maxCachedSessions: 1_000 }) };
  const validateRedirect = (url: string) => assertPublicUrl(new URL(url), options.allowPrivateAddress);
  // Fedify's fetch resolves names itself, so its first hop is checked here
  // (its redirects by validateRedirect); ours are checked as they connect.
  const knockWithFedify = async (request: OutboxRequest) => {
    await assertPublicUrl(request.inbox, options.allowPrivateAddress);
    return request.doubleKnock(validateRedirect);
  };

  function post(url: URL, headers: Record<string, string>, body: Buffer, retryOnStaleSocket = true): Promise<Response> {
    try {
      assertPublicLiteral(url, options.allowPrivateAddress);
    } catch (error) {
      return Promise.reject(error);
    }
    const agent = agents[url.protocol as "http:" | "https:"];
    return new Promise<Response>((resolve, reject) => {
      const req = (url.protocol === "https:" ? https : http).request(url, {
        method: "POST",
        agent,
        headers,
        lookup: options.allowPrivateAddress ? undefined : publicOnlyLookup,
      });
      // Settled once, by whichever comes first: the answer, an error, a timeout.
      let settled = false;
      const settle = (outcome: () => Response | Promise<Response>) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        try {
          resolve(outcome());
        } catch (error) {
          reject(error);
        }
      };
      const fail = (error: Error) =>
        settle(() => {
          req.destroy();
          // A kept-alive socket the server closed just before we wrote to it:
          // nothing reached the server, so one more try on a fresh socket.
          if (retryOnStaleSocket && req.reusedSocket && (error as NodeJS.ErrnoException).code === "ECONNRESET") return post(url, headers, body, false);
          throw error;
        });
      const deadline = setTimeout(() => fail(new Error(`No answer from ${url.host} within ${deadlineMs} ms`)), deadlineMs);
      req.setTimeout(idleTimeoutMs, () => fail(new Error(`${url.host} went silent for ${idleTimeoutMs} ms`)));
      req.on("socket", (socket) => {
        if (!socket.connecting) return;
        const connectTimer = setTimeout(() => fail(new Error(`Could not connect to ${url.host} within ${connectTimeoutMs} ms`)), connectTimeoutMs);
        socket.once("connect", () => clearTimeout(connectTimer));
        socket.once("close", () => clearTimeout(connectTimer));
      });
      req.on("error", fail);
      req.on("response", (res) => {
        const status = res.statusCode ?? 0;
        res.once("error", fail);
        if (status >= 200 && status < 300) {
          // Drain so the socket goes back to the pool. Fedify reads nothing
          // of a success but its status.
          res.resume();
          res.once("end", () => settle(() => new Response(null, { status })));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          if (size < ERROR_BODY_BYTES) chunks.push(chunk);
          size += chunk.length;
        });
        res.once("end", () => settle(() => toResponse(status, res.statusMessage ?? "", res.rawHeaders, Buffer.concat(chunks).subarray(0, ERROR_BODY_BYTES).toString("utf8"))));
      });
      req.end(body);
    });
  }

  return async function send(request: OutboxRequest): Promise<Response> {
    const origin = request.inbox.origin;
    const spec = (await request.specDeterminer?.determineSpec(origin)) ?? CAVAGE;
    // Node signs with a KeyObject; a key it may not export (none of ours) is left to Fedify.
    if (spec !== CAVAGE || !request.privateKey.extractable) return knockWithFedify(request);
    const payload = payloadOf(request.body);
    const response = await post(request.inbox, await signCavage(request, payload, options.userAgent), payload.bytes);
    const refusedSignature = response.status === 400 || response.status === 401 || response.headers.has("accept-signature");
    if ((response.status >= 300 && response.status < 400) || refusedSignature) {
      await response.body?.cancel();
      return knockWithFedify(request);
    }
    if (response.ok) await request.specDeterminer?.rememberSpec(origin, CAVAGE);
    return response;
  };
}

/**
 * Headers of a POST signed as draft-cavage-http-signatures-12: the request
 * target, host, date, digest, content type and any extra header Fedify gave
 * (Collection-Synchronization) are signed; the user agent is not.
 */
async function signCavage(request: Pick<OutboxRequest, "inbox" | "headers" | "keyId" | "privateKey">, body: Omit<Payload, "text">, userAgent: string): Promise<Record<string, string>> {
  const signed: [string, string][] = [
    ["host", request.inbox.host],
    ["date", new Date().toUTCString()],
    ["digest", body.digest],
  ];
  request.headers.forEach((value, name) => {
    if (name !== "host" && name !== "date" && name !== "digest" && name !== "signature") signed.push([name, value.trim()]);
  });
  const target = `post ${request.inbox.pathname}`;
  const text = [`(request-target): ${target}`, ...signed.map(([n, v]) => `${n}: ${v}`)].join("\n");
  // Signed on libuv's thread pool, so the event loop goes on sending while
  // the RSA operation (most of a delivery's CPU) runs on another core.
  const signature = (await signAsync("sha256", Buffer.from(text, "utf8"), nodeKey(request.privateKey))).toString("base64");
  const names = ["(request-target)", ...signed.map(([n]) => n)].join(" ");
  const headers: Record<string, string> = Object.fromEntries(signed);
  headers["user-agent"] = userAgent;
  headers["content-length"] = String(body.bytes.length);
  headers.signature = `keyId="${request.keyId.href}",algorithm="rsa-sha256",headers="${names}",signature="${signature}"`;
  return headers;
}

function toResponse(status: number, statusText: string, rawHeaders: string[], text: string): Response {
  if (status < 200 || status > 599) throw new Error(`Invalid HTTP status ${status}`);
  const headers = new Headers();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    try {
      headers.append(rawHeaders[i]!, rawHeaders[i + 1]!);
    } catch {
      // A header the Fetch API refuses: nothing Fedify reads.
    }
  }
  return new Response(NULL_BODY_STATUSES.has(status) ? null : text, { status, statusText, headers });
}
