import type { Federation } from "@fedify/fedify";
import type { Core } from "../src/core.ts";
import { assertPublicUrl } from "./ssrf.ts";

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
    async unseal(message: Keyed): Promise<Keyed | null> {
      if (!carriesKeys(message)) return message;
      const c = core();
      if (message.type === "outbox" && message.inbox) {
        try {
          await assertPublicUrl(new URL(message.inbox), c.config.allowPrivateAddress);
        } catch {
          return null;
        }
      }
      const keys = await Promise.all(message.keys!.map(async (k) => ({ keyId: k.keyId, privateKey: await privateJwk(federation(), c, k.keyId) })));
      return { ...message, keys };
    },
  };
}

/** Fedify names an actor's keys #main-key, #key-2, ... in the order we return them. */
async function privateJwk(federation: Federation<Core>, core: Core, keyId: string): Promise<JsonWebKey> {
  const url = new URL(keyId);
  const ctx = federation.createContext(new URL(core.config.publicUrl), core);
  const parsed = ctx.parseUri(new URL(url.href.replace(/#.*$/, "")));
  if (parsed?.type !== "actor") throw new Error(`Key ${keyId} is not a local actor's`);
  const account = await core.accounts.getLocalByUsername(parsed.identifier);
  if (!account) throw new Error(`No local actor for key ${keyId}`);
  const index = url.hash === "#main-key" ? 0 : Number.parseInt(url.hash.replace(/^#key-/, ""), 10) - 1;
  const pair = (await core.keys.keyPairs(account.id))[index];
  if (!pair) throw new Error(`No key ${keyId}`);
  return pair.privateJwk;
}
