import { createPublicKey, randomUUID, type KeyObject } from "node:crypto";
import type { MessageQueue } from "@fedify/fedify";
import type { Core } from "../../src/core.ts";
import { ExpiringMap } from "../../src/expiring-map.ts";
import { parseCavage, verifyCavage, type CavageRequest } from "./cavage-verify.ts";
import { LISTENED } from "./listeners.ts";

// Fedify accepts an inbox POST by expanding the activity as JSON-LD (twice)
// and the signer's cached key document, which is nine tenths of the cost of a
// 202 (bench/results: 4 ms of CPU per activity). The common case needs none
// of it: a draft-cavage RSA signature by a key we already store for a known
// remote actor, on an activity with no Linked Data signature or proof. For
// that case we verify here, with Fedify's rules (cavage-verify.ts), and queue
// the message Fedify's own router queues, which the worker then parses once.
// Everything else — unknown or rotated keys, RFC 9421, LD signatures, odd
// shapes — goes to Fedify unchanged, so this path can only say yes sooner.
// The origin guard and the domain policy have run before either path.

const PERSONAL_INBOX = /^\/users\/([^/?]+)\/inbox$/;
const KEY_TTL_MS = 5 * 60_000;
const RECIPIENT_TTL_MS = 60_000;
const CACHE_LIMIT = 10_000;

type StoredKey = { key: KeyObject; owner: string } | null;

export class InboxFastPath {
  private readonly core: Core;
  private readonly queue: MessageQueue;
  private readonly keys = new ExpiringMap<NonNullable<StoredKey>>(KEY_TTL_MS, CACHE_LIMIT);
  private readonly recipients = new ExpiringMap<boolean>(RECIPIENT_TTL_MS, CACHE_LIMIT);
  /** Fedify's signatureTimeWindow (federation.ts). */
  private readonly windowMs = 60 * 60_000;

  constructor(core: Core, queue: MessageQueue) {
    this.core = core;
    this.queue = queue;
  }

  /** Queues the activity and returns true, or returns false to let Fedify decide. */
  async tryAccept(request: CavageRequest, json: unknown): Promise<boolean> {
    if (request.method !== "POST" || !isPlainActivity(json)) return false;
    const recipient = await this.recipientOf(request.url);
    if (recipient === undefined) return false;
    const signed = parseCavage(request);
    const stored = signed ? await this.storedKey(signed.keyId) : null;
    if (!signed || !stored || stored.owner !== json.actor) return false;
    if (!verifyCavage(request, signed, stored.key, { now: Date.now(), windowMs: this.windowMs })) return false;
    await this.queue.enqueue({
      type: "inbox",
      id: randomUUID(),
      baseUrl: this.core.config.publicUrl.origin,
      activity: json,
      identifier: recipient,
      attempt: 0,
      started: new Date().toISOString(),
      traceContext: {},
    });
    return true;
  }

  /** null for the shared inbox, the identifier of an existing local actor, or undefined. */
  private async recipientOf(url: string): Promise<string | null | undefined> {
    if (url === "/inbox") return null;
    const m = PERSONAL_INBOX.exec(url);
    if (!m) return undefined;
    const identifier = decodeURIComponent(m[1]!);
    let known = this.recipients.get(identifier);
    if (known === undefined) {
      // The same test as the actor dispatcher's (federation/actors.ts).
      known = (await this.core.accounts.findLocalActor(identifier))?.username === identifier;
      this.recipients.set(identifier, known);
    }
    return known ? identifier : undefined;
  }

  private async storedKey(keyId: string): Promise<StoredKey> {
    const cached = this.keys.get(keyId);
    if (cached) return cached;
    const row = await this.core.accounts.findRemoteKey(keyId);
    let stored: StoredKey = null;
    if (row?.publicKeyPem) {
      try {
        stored = { key: createPublicKey(row.publicKeyPem), owner: row.uri };
      } catch {
        stored = null;
      }
    }
    // Unknown keys are not remembered: the actor is usually stored moments later.
    if (stored) this.keys.set(keyId, stored);
    return stored;
  }
}

type PlainActivity = { type: string; id: string; actor: string };

/** An activity Fedify would route to a Kith listener without Linked Data signature work. */
function isPlainActivity(json: unknown): json is PlainActivity {
  if (!json || typeof json !== "object" || Array.isArray(json)) return false;
  const a = json as Record<string, unknown>;
  return (
    typeof a.type === "string" &&
    LISTENED.has(a.type) &&
    typeof a.id === "string" &&
    typeof a.actor === "string" &&
    a.signature === undefined &&
    a.proof === undefined
  );
}
