import { generateKeyPair, randomUUID, type KeyObject } from "node:crypto";
import { once } from "node:events";
import { Agent, createServer, request, type Server } from "node:http";
import { promisify } from "node:util";
import { AS, MASTODON_CONTEXT, PUBLIC, signPost } from "../../tests/helpers/mastodon-wire.ts";
import { serveRpc } from "./rpc.ts";

// The load generator, in its own process: remote ActivityPub actors served
// Mastodon-style from loopback hosts (Person + RSA-2048 publicKey), signed
// activities built and signed ahead of time (so signing does not compete with
// the server while it is measured), and an HTTP client that replays them over
// many keep-alive connections. Also replays plain GETs for latency figures.


type Actor = { username: string; origin: string; id: string; keyId: string; privateKey: KeyObject; publicKeyPem: string };
/** A request ready to send; `kind` (create, like, follow) is counted among the answers 2xx. */
type Prepared = { url: URL; headers: Record<string, string>; body: string; kind?: string };

const now = () => performance.timeOrigin + performance.now();
const actors: Actor[] = [];
const servers: Server[] = [];
const batches = new Map<string, Prepared[]>();
let inboxPosts = 0;
let seq = 0;

function person(a: Actor) {
  return {
    "@context": MASTODON_CONTEXT,
    id: a.id,
    type: "Person",
    following: `${a.id}/following`,
    followers: `${a.id}/followers`,
    inbox: `${a.id}/inbox`,
    outbox: `${a.id}/outbox`,
    featured: `${a.id}/collections/featured`,
    featuredTags: `${a.id}/collections/tags`,
    preferredUsername: a.username,
    name: `Bench ${a.username}`,
    summary: "<p>A benchmark actor</p>",
    url: `${a.origin}/@${a.username}`,
    manuallyApprovesFollowers: false,
    discoverable: true,
    indexable: false,
    published: "2024-01-01T00:00:00Z",
    memorial: false,
    publicKey: { id: a.keyId, owner: a.id, publicKeyPem: a.publicKeyPem },
    tag: [],
    attachment: [],
    endpoints: { sharedInbox: `${a.origin}/inbox` },
  };
}

function serveActors(origin: string) {
  return createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (req.method === "POST") {
        inboxPosts++;
        res.writeHead(202).end();
        return;
      }
      const path = new URL(req.url ?? "/", origin).pathname;
      const m = /^\/users\/([^/]+)(\/followers|\/following|\/outbox)?$/.exec(path);
      const actor = m ? actors.find((a) => a.origin === origin && a.username === m[1]) : undefined;
      if (!actor) {
        res.writeHead(404).end();
        return;
      }
      const doc = m![2] ? { "@context": AS, id: `${actor.id}${m![2]}`, type: "OrderedCollection", totalItems: 0 } : person(actor);
      res.writeHead(200, { "content-type": "application/activity+json; charset=utf-8" }).end(JSON.stringify(doc));
    });
  });
}

/** Signed exactly as Mastodon signs its deliveries, with its User-Agent. */
function signed(url: URL, body: string, actor: Actor): Prepared {
  const headers = signPost(url.href, body, actor.keyId, actor.privateKey);
  headers["user-agent"] = "http.rb/5.1.1 (Mastodon/4.3.0; +http://127.0.0.1/)";
  headers.accept = "*/*";
  return { url, headers, body };
}

function note(actor: Actor, i: number) {
  seq++;
  const id = `${actor.id}/statuses/${Date.now()}${String(seq).padStart(7, "0")}`;
  const content = `<p>Benchmark post ${i} from ${actor.username}: a few words about nothing in particular, long enough to look like a real post.</p>`;
  return {
    id,
    type: "Note",
    summary: null,
    inReplyTo: null,
    published: new Date().toISOString(),
    url: `${actor.origin}/@${actor.username}/${id.split("/").pop()}`,
    attributedTo: actor.id,
    to: [PUBLIC],
    cc: [`${actor.id}/followers`],
    sensitive: false,
    atomUri: id,
    inReplyToAtomUri: null,
    conversation: `tag:${new URL(actor.origin).host},2024:objectId=${seq}:objectType=Conversation`,
    content,
    contentMap: { en: content },
    attachment: [],
    tag: [],
    replies: { id: `${id}/replies`, type: "Collection", first: { type: "CollectionPage", next: `${id}/replies?only_other_accounts=true&page=true`, partOf: `${id}/replies`, items: [] } },
  };
}

type Mix = { create: number; like: number; follow: number };
type Targets = { localActors: string[]; statuses: string[] };
const counters = { like: 0, follow: 0 };

function activity(kind: keyof Mix, i: number, targets: Targets): { actor: Actor; json: Record<string, unknown> } {
  if (kind === "create") {
    const actor = actors[i % actors.length]!;
    const n = note(actor, i);
    return { actor, json: { "@context": MASTODON_CONTEXT, id: `${n.id}/activity`, type: "Create", actor: actor.id, published: n.published, to: n.to, cc: n.cc, object: n } };
  }
  if (kind === "like") {
    // Pair (actor, status) unique for as long as there are pairs left.
    const k = counters.like++;
    const actor = actors[k % actors.length]!;
    const object = targets.statuses[Math.floor(k / actors.length) % targets.statuses.length]!;
    return { actor, json: { "@context": AS, id: `${actor.id}#likes/${Date.now()}${k}`, type: "Like", actor: actor.id, object } };
  }
  const k = counters.follow++;
  const actor = actors[k % actors.length]!;
  const object = targets.localActors[Math.floor(k / actors.length) % targets.localActors.length]!;
  return { actor, json: { "@context": AS, id: `${actor.origin}/${randomUUID()}`, type: "Follow", actor: actor.id, object } };
}

function kindOf(i: number, mix: Mix): keyof Mix {
  const slot = i % 10;
  const creates = Math.round(mix.create * 10);
  const likes = Math.round(mix.like * 10);
  return slot < creates ? "create" : slot < creates + likes ? "like" : "follow";
}

const agents = new Map<number, Agent>();

function send(p: Prepared, agent: Agent): Promise<{ status: number; ms: number }> {
  return new Promise((resolve) => {
    const t0 = now();
    const req = request(p.url, { method: p.body ? "POST" : "GET", headers: { ...p.headers, ...(p.body ? { "content-length": String(Buffer.byteLength(p.body)) } : {}) }, agent }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, ms: now() - t0 }));
    });
    req.on("error", () => resolve({ status: 0, ms: now() - t0 }));
    req.end(p.body || undefined);
  });
}

/** Replays `items` with `concurrency` requests in flight; bounded by count and by `timeoutMs`. */
async function replay(items: Prepared[], concurrency: number, timeoutMs: number, target?: string) {
  let agent = agents.get(concurrency);
  if (!agent) {
    agent = new Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
    agents.set(concurrency, agent);
  }
  const retarget = target ? new URL(target) : null;
  const statuses: Record<string, number> = {};
  const acceptedByKind: Record<string, number> = {};
  const latencies: number[] = [];
  const deadline = Date.now() + timeoutMs;
  let next = 0;
  const t0 = now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length && Date.now() < deadline) {
        const item = items[next++]!;
        const r = await send(retarget ? { ...item, url: new URL(item.url.pathname + item.url.search, retarget) } : item, agent!);
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
        if (item.kind && r.status >= 200 && r.status < 300) acceptedByKind[item.kind] = (acceptedByKind[item.kind] ?? 0) + 1;
        latencies.push(r.ms);
      }
    }),
  );
  const elapsedMs = now() - t0;
  return { sent: latencies.length, elapsedMs, perSecond: (latencies.length * 1000) / elapsedMs, statuses, acceptedByKind, latencies };
}

serveRpc({
  /** Starts one actor server per host (same port) and `perHost` actors on each, with RSA-2048 keys. */
  async actors({ hosts, port, perHost }: { hosts: string[]; port: number; perHost: number }) {
    const keygen = promisify(generateKeyPair);
    for (const host of hosts) {
      const origin = `http://${host}:${port}`;
      const server = serveActors(origin);
      server.listen(port, host);
      await once(server, "listening");
      servers.push(server);
      const keys = await Promise.all(Array.from({ length: perHost }, () => keygen("rsa", { modulusLength: 2048 })));
      keys.forEach(({ privateKey, publicKey }, i) => {
        const username = `bench${i}`;
        const id = `${origin}/users/${username}`;
        actors.push({ username, origin, id, keyId: `${id}#main-key`, privateKey, publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString() });
      });
    }
    return actors.map((a) => a.id);
  },

  /** Builds and signs a batch of `count` activities for `inbox` (mix by tenths: create/like/follow). */
  build({ name, inbox, count, mix, targets, followsOnly }: { name: string; inbox: string; count: number; mix: Mix; targets: Targets; followsOnly?: boolean }) {
    const t0 = now();
    const url = new URL(inbox);
    const items: Prepared[] = [];
    for (let i = 0; i < count; i++) {
      if (followsOnly) {
        // One Follow per actor, to the first local account: fetches and caches every key.
        const actor = actors[i % actors.length]!;
        const json = { "@context": AS, id: `${actor.origin}/${randomUUID()}`, type: "Follow", actor: actor.id, object: targets.localActors[0] };
        items.push(signed(url, JSON.stringify(json), actor));
        continue;
      }
      const kind = kindOf(i, mix);
      const { actor, json } = activity(kind, i, targets);
      items.push({ ...signed(url, JSON.stringify(json), actor), kind });
    }
    batches.set(name, items);
    const bytes = items.reduce((n, p) => n + p.body.length, 0);
    return { count: items.length, signMs: now() - t0, meanBodyBytes: Math.round(bytes / items.length) };
  },

  /** Sends a prepared batch; `target` redirects it to another origin (the plain-HTTP ceiling). */
  async send({ name, concurrency, timeoutMs, target }: { name: string; concurrency: number; timeoutMs: number; target?: string }) {
    const items = batches.get(name);
    if (!items) throw new Error(`no batch ${name}`);
    const { latencies, ...rest } = await replay(items, concurrency, timeoutMs, target);
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? NaN;
    return { ...rest, p50: pct(50), p99: pct(99) };
  },

  /** Sequential (or `concurrency`) GETs, rotating over `headers`; returns every latency in ms. */
  async get({ url, headers, count, concurrency, timeoutMs }: { url: string; headers: Record<string, string>[]; count: number; concurrency: number; timeoutMs: number }) {
    const u = new URL(url);
    const items: Prepared[] = Array.from({ length: count }, (_, i) => ({ url: u, headers: headers[i % headers.length] ?? {}, body: "" }));
    return replay(items, concurrency, timeoutMs);
  },

  inboxPosts() {
    return inboxPosts;
  },

  drop({ name }: { name: string }) {
    batches.delete(name);
    return true;
  },
});
