import type { Federation } from "@fedify/fedify";
import type { Core } from "../src/core.ts";
import type { LocalKeyPair } from "../src/accounts/key.store.ts";
import { ExpiringMap } from "../src/expiring-map.ts";
import { assertPublicLiteral, UnsafeUrlError } from "./ssrf.ts";

// Fedify's outbox and fan-out messages carry the sender's private JWKs. We
// strip them before the message is queued (nothing secret reaches Redis) and
// restore them from the worker's key cache when the message is handled.
// Deliveries to a private IP address (or another scheme) are dropped here
// too, and so are deliveries to servers we do not federate with (a suspended
// domain, or one off the allow list in allow-list mode). A name is not looked
// up here, once per delivery: the outbox transport checks the address it
// connects to (federation/outbox-transport.ts), which a check made earlier
// could not guarantee anyway.

type KeyRef = { keyId: string; privateKey: JsonWebKey | null };
type Keyed = { type: string; keys?: KeyRef[]; inbox?: string; inboxes?: Record<string, unknown>; activity?: unknown };

const carriesKeys = (m: Keyed) => (m?.type === "outbox" || m?.type === "fanout") && Array.isArray(m.keys);

// Fedify imports the JWK of every queued delivery again (crypto.subtle
// importKey costs about a quarter of an RSA signature). The JWKs we hand back
// are the very objects our KeyStore already imported, so for exactly those
// objects importKey answers with the cached CryptoKey; every other call goes
// through untouched.
const imported = new WeakMap<object, CryptoKey>();
let importPatched = false;

function reuseImportedKeys() {
  if (importPatched) return;
  importPatched = true;
  const subtle = globalThis.crypto.subtle;
  const original = subtle.importKey.bind(subtle) as (...args: unknown[]) => Promise<CryptoKey>;
  subtle.importKey = ((format: string, keyData: unknown, ...rest: unknown[]) => {
    const hit = format === "jwk" && keyData && typeof keyData === "object" ? imported.get(keyData) : undefined;
    return hit ? Promise.resolve(hit) : original(format, keyData, ...rest);
  }) as typeof subtle.importKey;
}

/** A key looked up by id stays valid this long, so a suspension takes effect within a minute. */
const KEY_TTL_MS = 60_000;

/**
 * The one thing a suspended account still signs is the Delete of itself that
 * tells its followers' servers: the actor of such an activity, else null.
 */
function selfDeleter(activity: unknown): string | null {
  const a = activity as { type?: unknown; actor?: unknown; object?: unknown } | null;
  return a?.type === "Delete" && typeof a.actor === "string" && a.object === a.actor ? a.actor : null;
}

export function keySealing(federation: () => Federation<Core>, core: () => Core) {
  reuseImportedKeys();
  const recent = new ExpiringMap<{ pair: LocalKeyPair | null }>(KEY_TTL_MS, 10_000);
  const pairFor = async (keyId: string, deleter: string | null) => {
    const cacheKey = deleter ? `${keyId} ${deleter}` : keyId;
    const hit = recent.get(cacheKey);
    if (hit) return hit.pair;
    const pair = await keyPair(federation(), core(), keyId, deleter);
    recent.set(cacheKey, { pair });
    return pair;
  };
  return {
    seal(message: Keyed): Keyed {
      if (!carriesKeys(message)) return message;
      return { ...message, keys: message.keys!.map((k) => ({ keyId: k.keyId, privateKey: null })) };
    },
    /** The message with its keys back, or null to drop it: its inbox is private, or its sender (or key) is gone or suspended. */
    async unseal(message: Keyed): Promise<Keyed | null> {
      if (!carriesKeys(message)) return message;
      const c = core();
      if (message.type === "outbox") {
        try {
          assertPublicLiteral(new URL(message.inbox ?? ""), c.config.allowPrivateAddress);
        } catch (error) {
          if (error instanceof UnsafeUrlError || error instanceof TypeError) return null;
          throw error;
        }
        if (!(await c.moderation.policy.federatesWith(message.inbox ?? ""))) return null;
      }
      const deleter = selfDeleter(message.activity);
      const keys: KeyRef[] = [];
      for (const k of message.keys!) {
        const pair = await pairFor(k.keyId, deleter);
        if (!pair) return null;
        imported.set(pair.privateJwk, pair.privateKey);
        keys.push({ keyId: k.keyId, privateKey: pair.privateJwk });
      }
      return { ...message, keys };
    },
  };
}

/**
 * Fedify names an actor's keys #main-key, #key-2, ... in the order the key
 * pairs dispatcher returns them (KeyStore order). Null when the key is not a
 * local actor's, or its actor is gone or suspended; database errors propagate
 * (the job is retried).
 */
async function keyPair(federation: Federation<Core>, core: Core, keyId: string, deleter: string | null): Promise<LocalKeyPair | null> {
  const url = new URL(keyId);
  const ctx = federation.createContext(new URL(core.config.publicUrl), core);
  const parsed = ctx.parseUri(new URL(url.href.replace(/#.*$/, "")));
  if (parsed?.type !== "actor") return null;
  // A suspended account signs nothing but the Delete of itself.
  const account = await core.accounts.findLocalActor(parsed.identifier);
  if (!account || (account.suspendedAt && account.uri !== deleter)) return null;
  const index = url.hash === "#main-key" ? 0 : /^#key-\d+$/.test(url.hash) ? Number.parseInt(url.hash.slice(5), 10) - 1 : -1;
  if (index < 0) return null;
  return (await core.keys.keyPairs(account.id))[index] ?? null;
}
