import { randomUUID, type KeyObject } from "node:crypto";
import { once } from "node:events";
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from "node:http";

// A tiny fake ActivityPub server for tests: node:http on 127.0.0.1 with a
// random port. It serves actors the way Mastodon does (Person with an
// RSA-2048 publicKey, inbox, shared inbox, followers), answers WebFinger,
// serves any extra document a test registers, and records every request it
// receives (so a test can see the Accept that Kith sends back). It signs the
// activities it posts the way Mastodon does: draft-cavage, rsa-sha256,
// headers="(request-target) host date digest content-type", Digest SHA-256.
//
// Builders below produce Mastodon-shaped JSON (see tests/fixtures);
// `deliver` posts them to a Kith inbox, with knobs to tamper with the request.

export { AS, MASTODON_CONTEXT, newRsaKey, PUBLIC, signPost } from "./mastodon-wire.ts";
import { AS, MASTODON_CONTEXT, PUBLIC, newRsaKey, sha256, signPost } from "./mastodon-wire.ts";


export type Json = Record<string, any>;

export type RemoteActor = {
  username: string;
  /** http://127.0.0.1:<port>/users/<username> */
  id: string;
  keyId: string;
  inbox: string;
  sharedInbox: string;
  followers: string;
  url: string;
  acct: string;
  privateKey: KeyObject;
  publicKeyPem: string;
  /** Extra properties merged into the served Person document. */
  extra: Json;
};

export type RecordedRequest = {
  method: string;
  /** Path and query, as received. */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON, or null. */
  json: any;
  at: number;
};

export type DeliverOptions = {
  /** Sign with this actor's key and keyId instead of the activity's actor (signer ≠ actor). */
  signAs?: RemoteActor;
  /** Sign with a fresh key the keyId does not publish (a wrong key). */
  wrongKey?: boolean;
  /** Use this keyId in the Signature header (with the signer's private key unless `privateKey` is given). */
  keyId?: string;
  privateKey?: KeyObject;
  /** Change the body after signing; the Digest header stays that of the signed body. */
  alterBody?: (body: string) => string;
  /** Like alterBody, but the Digest is recomputed for the new body (so only the signature is wrong). */
  alterBodyAndDigest?: (body: string) => string;
  /** The Date header (and signed date); e.g. two hours ago for a stale request. */
  date?: Date;
  /** Send no Signature header at all (Digest is still sent). */
  unsigned?: boolean;
  /** Send these exact bytes instead of JSON.stringify(activity), signed as usual. */
  rawBody?: string | Buffer;
  contentType?: string;
};

export type DeliveryResult = { status: number; body: string };

/** One HTTP request with exact headers and bytes; survives the server cutting an oversized upload short. */
export function rawRequest(url: string, method: string, headers: Record<string, string>, body?: string | Buffer): Promise<DeliveryResult> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest(url, { method, headers: { ...headers, ...(body !== undefined ? { "content-length": String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    const send = () => {
      if (body !== undefined) req.write(body);
      req.end();
    };
    // A server refuses an oversized body on its headers (413) and closes the
    // connection; writing the body at once races that answer (EPIPE). So a
    // large body waits a moment for an early answer, and is not sent if one came.
    if (body !== undefined && Buffer.byteLength(body) > 64 * 1024) {
      req.flushHeaders();
      setTimeout(() => answered || send(), 200);
    } else send();
  });
}

export class RemoteServer {
  readonly requests: RecordedRequest[] = [];
  readonly actors = new Map<string, RemoteActor>();
  private readonly documents = new Map<string, Json>();
  private readonly server: Server;
  /** Like GoToSocial (or Mastodon in secure mode): ActivityPub GETs without an HTTP signature get 401. */
  requireSignedGets = false;
  private port = 0;
  private seq = 0;

  private constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        let json: any = null;
        try {
          json = body ? JSON.parse(body) : null;
        } catch {
          /* not JSON */
        }
        this.requests.push({ method: req.method ?? "GET", path: req.url ?? "/", headers: req.headers, body, json, at: Date.now() });
        const unsigned = this.requireSignedGets && req.method === "GET" && !req.url?.startsWith("/.well-known/") && !req.headers.signature && !req.headers["signature-input"];
        const { status, type, payload } = unsigned ? { status: 401, type: undefined, payload: undefined } : this.route(req.method ?? "GET", req.url ?? "/");
        res.writeHead(status, type ? { "content-type": type } : {});
        res.end(payload);
      });
    });
  }

  static async start(): Promise<RemoteServer> {
    const server = new RemoteServer();
    server.server.listen(0, "127.0.0.1");
    await once(server.server, "listening");
    server.port = (server.server.address() as { port: number }).port;
    return server;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** A new actor served at /users/<username>, with its own RSA-2048 key. */
  addActor(username: string, extra: Json = {}): RemoteActor {
    const { privateKey, publicKeyPem } = newRsaKey();
    const id = `${this.origin}/users/${username}`;
    const actor: RemoteActor = {
      username,
      id,
      keyId: `${id}#main-key`,
      inbox: `${id}/inbox`,
      sharedInbox: `${this.origin}/inbox`,
      followers: `${id}/followers`,
      url: `${this.origin}/@${username}`,
      acct: `${username}@${this.host}`,
      privateKey,
      publicKeyPem,
      extra,
    };
    this.actors.set(username, actor);
    return actor;
  }

  /** The Person document, as Mastodon serves it. */
  actorDocument(actor: RemoteActor): Json {
    return {
      "@context": MASTODON_CONTEXT,
      id: actor.id,
      type: "Person",
      following: `${actor.id}/following`,
      followers: actor.followers,
      inbox: actor.inbox,
      outbox: `${actor.id}/outbox`,
      featured: `${actor.id}/collections/featured`,
      featuredTags: `${actor.id}/collections/tags`,
      preferredUsername: actor.username,
      name: `Remote ${actor.username}`,
      summary: `<p>A fake remote actor for tests</p>`,
      url: actor.url,
      manuallyApprovesFollowers: false,
      discoverable: true,
      indexable: false,
      published: "2024-01-01T00:00:00Z",
      memorial: false,
      publicKey: { id: actor.keyId, owner: actor.id, publicKeyPem: actor.publicKeyPem },
      tag: [],
      attachment: [],
      endpoints: { sharedInbox: actor.sharedInbox },
      ...actor.extra,
    };
  }

  /** Serves `doc` as application/activity+json at `pathOrUrl` (e.g. a Note, or a standalone key). */
  serve(pathOrUrl: string, doc: Json): void {
    this.documents.set(new URL(pathOrUrl, this.origin).pathname, doc);
  }

  unserve(pathOrUrl: string): void {
    this.documents.delete(new URL(pathOrUrl, this.origin).pathname);
  }

  /** A fresh id under this server, e.g. uniqueId("/users/a/statuses"). */
  uniqueId(prefix: string): string {
    this.seq += 1;
    return `${this.origin}${prefix}/${Date.now()}${String(this.seq).padStart(4, "0")}`;
  }

  /** Requests received so far that match. */
  received(match: (r: RecordedRequest) => boolean = () => true): RecordedRequest[] {
    return this.requests.filter(match);
  }

  /** Activities POSTed to any inbox here, optionally of one type. */
  inboxActivities(type?: string): Json[] {
    return this.requests.filter((r) => r.method === "POST" && r.json && (!type || r.json.type === type)).map((r) => r.json);
  }

  private route(method: string, rawPath: string): { status: number; type?: string; payload?: string } {
    const url = new URL(rawPath, this.origin);
    const ap = "application/activity+json; charset=utf-8";
    if (method === "POST") return { status: 202 };
    if (url.pathname === "/.well-known/webfinger") {
      const resource = url.searchParams.get("resource") ?? "";
      const actor = [...this.actors.values()].find((a) => resource === `acct:${a.acct}` || resource === a.id || resource === a.url);
      if (!actor) return { status: 404 };
      const jrd = {
        subject: `acct:${actor.acct}`,
        aliases: [actor.url, actor.id],
        links: [
          { rel: "http://webfinger.net/rel/profile-page", type: "text/html", href: actor.url },
          { rel: "self", type: "application/activity+json", href: actor.id },
        ],
      };
      return { status: 200, type: "application/jrd+json; charset=utf-8", payload: JSON.stringify(jrd) };
    }
    const doc = this.documents.get(url.pathname);
    if (doc) return { status: 200, type: ap, payload: JSON.stringify(doc) };
    const m = /^\/users\/([^/]+)(\/followers|\/following|\/outbox)?$/.exec(url.pathname);
    const actor = m ? this.actors.get(m[1]!) : undefined;
    if (!actor) return { status: 404 };
    if (!m![2]) return { status: 200, type: ap, payload: JSON.stringify(this.actorDocument(actor)) };
    const collection = { "@context": AS, id: `${actor.id}${m![2]}`, type: "OrderedCollection", totalItems: 0, first: `${actor.id}${m![2]}?page=1` };
    return { status: 200, type: ap, payload: JSON.stringify(collection) };
  }

  // ---- builders: Mastodon-shaped activities ------------------------------

  /** Follow{target}; Mastodon's id is https://host/<uuid>. */
  follow(actor: RemoteActor, target: string): Json {
    return { "@context": AS, id: `${this.origin}/${randomUUID()}`, type: "Follow", actor: actor.id, object: target };
  }

  /**
   * A Note as Mastodon serves it (to/cc by visibility, Mention and Hashtag
   * tags, attachments). Override any field with `fields`.
   */
  note(actor: RemoteActor, options: NoteOptions = {}): Json {
    const id = options.id ?? this.uniqueId(`/users/${actor.username}/statuses`);
    const mentions = options.mentions ?? [];
    const visibility = options.visibility ?? "public";
    const mentionIds = mentions.map((m) => m.id);
    const addressing: Record<Visibility, { to: string[]; cc: string[] }> = {
      public: { to: [PUBLIC], cc: [actor.followers, ...mentionIds] },
      unlisted: { to: [actor.followers], cc: [PUBLIC, ...mentionIds] },
      private: { to: [actor.followers], cc: mentionIds },
      direct: { to: mentionIds, cc: [] },
    };
    const tags = [
      ...mentions.map((m) => ({ type: "Mention", href: m.id, name: `@${m.acct}` })),
      ...(options.hashtags ?? []).map((t) => ({ type: "Hashtag", href: `${this.origin}/tags/${t}`, name: `#${t}` })),
    ];
    const published = options.published ?? new Date().toISOString();
    return {
      id,
      type: "Note",
      summary: options.summary ?? null,
      inReplyTo: options.inReplyTo ?? null,
      published,
      url: `${actor.url}/${id.split("/").pop()}`,
      attributedTo: options.attributedTo ?? actor.id,
      ...addressing[visibility],
      sensitive: options.sensitive ?? false,
      atomUri: id,
      inReplyToAtomUri: options.inReplyTo ?? null,
      conversation: `tag:${this.host},2024:objectId=${this.seq}:objectType=Conversation`,
      content: options.content ?? "<p>Hello from a fake remote server</p>",
      contentMap: { en: options.content ?? "<p>Hello from a fake remote server</p>" },
      attachment: (options.attachments ?? []).map((a) => ({ type: "Document", mediaType: a.mediaType, url: a.url, name: a.name ?? null, blurhash: null, width: 640, height: 480 })),
      tag: tags,
      replies: { id: `${id}/replies`, type: "Collection", first: { type: "CollectionPage", next: `${id}/replies?only_other_accounts=true&page=true`, partOf: `${id}/replies`, items: [] } },
      ...(options.fields ?? {}),
    };
  }

  /** Create{note}; Mastodon's id is <note id>/activity and it copies the note's to/cc. */
  create(actor: RemoteActor, note: Json, options: { id?: string } = {}): Json {
    return {
      "@context": MASTODON_CONTEXT,
      id: options.id ?? `${note.id}/activity`,
      type: "Create",
      actor: actor.id,
      published: note.published ?? new Date().toISOString(),
      to: note.to ?? [PUBLIC],
      cc: note.cc ?? [],
      object: note,
    };
  }

  /** Delete{Tombstone}; Mastodon's id is <note id>#delete and it is addressed to Public. */
  deleteNote(actor: RemoteActor, noteId: string): Json {
    return { "@context": MASTODON_CONTEXT, id: `${noteId}#delete`, type: "Delete", actor: actor.id, to: [PUBLIC], object: { id: noteId, type: "Tombstone", atomUri: noteId } };
  }

  /** Like{object}; Mastodon's id is <actor>#likes/<n>. */
  like(actor: RemoteActor, object: string): Json {
    this.seq += 1;
    return { "@context": AS, id: `${actor.id}#likes/${Date.now()}${this.seq}`, type: "Like", actor: actor.id, object };
  }

  /** Announce{object}; Mastodon's id is <actor>/statuses/<n>/activity. */
  announce(actor: RemoteActor, object: string, options: { objectOwner?: string } = {}): Json {
    const id = `${this.uniqueId(`/users/${actor.username}/statuses`)}/activity`;
    return {
      "@context": AS,
      id,
      type: "Announce",
      actor: actor.id,
      published: new Date().toISOString(),
      to: [PUBLIC],
      cc: [...(options.objectOwner ? [options.objectOwner] : []), actor.followers],
      object,
    };
  }

  /** Undo{inner}; the inner activity is embedded without its @context. */
  undo(actor: RemoteActor, inner: Json): Json {
    const { "@context": _ignored, ...object } = inner;
    const id = inner.type === "Follow" ? `${actor.id}#follows/${Date.now()}/undo` : `${inner.id}/undo`;
    return { "@context": AS, id, type: "Undo", actor: actor.id, object };
  }

  // ---- delivery ----------------------------------------------------------

  /**
   * POSTs an activity to an inbox, signed by its actor the way Mastodon signs,
   * unless options tamper with it.
   */
  async deliver(inbox: string, activity: Json, options: DeliverOptions = {}): Promise<DeliveryResult> {
    const actor = [...this.actors.values()].find((a) => a.id === activity.actor);
    const signer = options.signAs ?? actor;
    const body = options.rawBody ?? JSON.stringify(activity);
    let headers: Record<string, string>;
    if (options.unsigned) {
      const u = new URL(inbox);
      headers = { host: u.host, date: (options.date ?? new Date()).toUTCString(), digest: `SHA-256=${sha256(body)}`, "content-type": options.contentType ?? "application/activity+json" };
    } else {
      if (!signer && !(options.keyId && options.privateKey)) throw new Error(`No key for ${activity.actor}; pass signAs or keyId+privateKey`);
      const keyId = options.keyId ?? signer!.keyId;
      const privateKey = options.wrongKey ? newRsaKey().privateKey : (options.privateKey ?? signer!.privateKey);
      headers = signPost(inbox, body, keyId, privateKey, { date: options.date, contentType: options.contentType });
    }
    let sent: string | Buffer = body;
    if (options.alterBody) sent = options.alterBody(String(body));
    if (options.alterBodyAndDigest) {
      sent = options.alterBodyAndDigest(String(body));
      headers.digest = `SHA-256=${sha256(sent)}`;
    }
    headers["user-agent"] = "http.rb/5.1.1 (Mastodon/4.3.0; +http://127.0.0.1/)";
    headers.accept = "*/*";
    return rawRequest(inbox, "POST", headers, sent);
  }
}

export type Visibility = "public" | "unlisted" | "private" | "direct";

export type NoteOptions = {
  id?: string;
  content?: string;
  visibility?: Visibility;
  mentions?: { id: string; acct: string }[];
  hashtags?: string[];
  attachments?: { url: string; mediaType: string; name?: string }[];
  inReplyTo?: string | null;
  summary?: string | null;
  sensitive?: boolean;
  attributedTo?: string;
  published?: string;
  /** Overrides merged last. */
  fields?: Json;
};
