import type { Federation } from "@fedify/fedify";
import type { Core } from "../src/core.ts";
import { paths } from "../src/urls.ts";
import { INSTANCE_ACTOR } from "../src/accounts/account.service.ts";
import { accountToPerson } from "./mapping/actor.ts";

export function registerActors(federation: Federation<Core>) {
  federation
    .setActorDispatcher(paths.actor, async (ctx, identifier) => {
      // Suspended accounts stay served (marked suspended) so their Delete can be verified (Mastodon).
      const account = await ctx.data.accounts.findLocalActor(identifier);
      if (!account || account.username !== identifier) return null;
      return accountToPerson(ctx, account);
    })
    .setKeyPairsDispatcher(async (ctx, identifier) => {
      // The instance actor signs the fetches made while handling every
      // shared-inbox activity: its id is known, no query needed.
      const instanceActor = identifier === INSTANCE_ACTOR ? ctx.data.accounts.instanceActorId : null;
      // Key sealing decides what a suspended account may sign (its own Delete only).
      const accountId = instanceActor ?? (await ctx.data.accounts.findLocalActor(identifier))?.id;
      if (accountId === undefined) return [];
      const pairs = await ctx.data.keys.keyPairs(accountId);
      return pairs.map(({ privateKey, publicKey }) => ({ privateKey, publicKey }));
    })
    // WebFinger names are case-insensitive; actor URLs use the stored spelling.
    .mapHandle(async (ctx, username) => (await ctx.data.accounts.getLocalByUsername(username))?.username ?? null);
}
