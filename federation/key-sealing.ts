import type { Federation } from "@fedify/fedify";
import type { Core } from "../src/core.ts";
import { assertPublicUrl, UnsafeUrlError } from "./ssrf.ts";

// Fedify's outbox and fan-out messages carry the sender's private JWKs. We
// strip them before the message is queued (nothing secret reaches Redis) and
// restore them from the worker's key cache when the message is handled.
// Deliveries to private addresses are dropped here too, as a last SSRF gate.

type KeyRef = { keyId: string; privateKey: JsonWebKey | null };
type Keyed = { type: string; keys?: KeyRef[]; inbox?: string; inboxes?: Record<string, unknown> };

const carriesKeys = (m: Keyed) => (m?.type === "outbox" || m?.type === "fanout") && Array.isArray(m.keys);

export function keySealing(federation: () => Federation<Core>, core: () => Core) {
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
          await assertPublicUrl(new URL(message.inbox ?? ""), c.config.allowPrivateAddress);
        } catch (error) {
          // Only a verdict drops the delivery. A lookup that failed (a DNS
          // outage) is not one, and nothing is sent without a verdict: the
          // error fails the job, which the queue runs again later.
          if (error instanceof UnsafeUrlError || error instanceof TypeError) return null;
          throw error;
        }
      }
      const keys: KeyRef[] = [];
      for (const k of message.keys!) {
        const privateKey = await privateJwk(federation(), c, k.keyId);
        if (!privateKey) return null;
        keys.push({ keyId: k.keyId, privateKey });
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
async function privateJwk(federation: Federation<Core>, core: Core, keyId: string): Promise<JsonWebKey | null> {
  const url = new URL(keyId);
  const ctx = federation.createContext(new URL(core.config.publicUrl), core);
  const parsed = ctx.parseUri(new URL(url.href.replace(/#.*$/, "")));
  if (parsed?.type !== "actor") return null;
  // The same lookup as the key pairs dispatcher: a suspended account signs nothing.
  const account = await core.accounts.getLocalByUsername(parsed.identifier);
  if (!account) return null;
  const index = url.hash === "#main-key" ? 0 : /^#key-\d+$/.test(url.hash) ? Number.parseInt(url.hash.slice(5), 10) - 1 : -1;
  if (index < 0) return null;
  const pair = (await core.keys.keyPairs(account.id))[index];
  return pair?.privateJwk ?? null;
}
