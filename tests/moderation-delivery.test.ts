import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keySealing } from "../federation/key-sealing.ts";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";

// The last gate before a delivery leaves: key sealing drops outgoing messages
// for servers we do not federate with, and lets a suspended account sign the
// Delete of itself and nothing else.

let kith: InProcess;
let hooks: ReturnType<typeof keySealing>;
let alice: { uri: string; keyId: string };

const outbox = (inbox: string, activity: Record<string, unknown>) =>
  hooks.seal({ type: "outbox", keys: [{ keyId: alice.keyId, privateKey: {} as JsonWebKey }], inbox, activity });

beforeAll(async () => {
  kith = await startInProcess("moderation_delivery");
  const a = await kith.core.accounts.createLocal("alice");
  alice = { uri: a.uri, keyId: `${a.uri}#main-key` };
  hooks = keySealing(() => kith.federation, () => kith.core);
}, 60_000);

afterAll(async () => kith?.destroy());

describe("key sealing", () => {
  const note = () => ({ type: "Create", actor: alice.uri, object: { type: "Note" } });

  it("drops deliveries to a suspended domain (and its subdomains), keeps the others", async () => {
    expect(await hooks.unseal(outbox("http://127.0.0.1:9/inbox", note()))).not.toBeNull();
    const block = await kith.core.moderation.domains.block("blocked.example", { severity: "suspend" });
    try {
      expect(await hooks.unseal(outbox("https://blocked.example/inbox", note()))).toBeNull();
      expect(await hooks.unseal(outbox("https://eu.blocked.example/inbox", note()))).toBeNull();
      expect(await hooks.unseal(outbox("http://127.0.0.1:9/inbox", note()))).not.toBeNull();
    } finally {
      await kith.core.moderation.domains.unblock(block.id);
    }
  });

  it("in allow-list mode, drops deliveries to servers off the list", async () => {
    await kith.core.moderation.domains.allow("127.0.0.1:9");
    await kith.core.settings.update({ allowListMode: true });
    try {
      expect(await hooks.unseal(outbox("http://127.0.0.1:9/inbox", note()))).not.toBeNull();
      expect(await hooks.unseal(outbox("http://127.0.0.1:10/inbox", note()))).toBeNull();
    } finally {
      await kith.core.settings.update({ allowListMode: false });
    }
  });

  it("a suspended account signs its own Delete and nothing else", async () => {
    const account = await kith.core.moderation.accounts.get((await kith.core.accounts.findLocalActor("alice"))!.id);
    await kith.core.moderation.accounts.suspend(account);
    // A fresh hook: keys looked up before the suspension stay cached for a minute.
    hooks = keySealing(() => kith.federation, () => kith.core);
    expect(await hooks.unseal(outbox("http://127.0.0.1:9/inbox", note()))).toBeNull();
    const deleted = await hooks.unseal(outbox("http://127.0.0.1:9/inbox", { type: "Delete", actor: alice.uri, object: alice.uri }));
    expect(deleted?.keys?.[0]?.privateKey).toEqual(expect.objectContaining({ kty: "RSA" }));
    // Deleting something else (or someone else) is not the exception.
    expect(await hooks.unseal(outbox("http://127.0.0.1:9/inbox", { type: "Delete", actor: alice.uri, object: `${alice.uri}/statuses/1` }))).toBeNull();
  });
});
