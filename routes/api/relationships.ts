import type { Core } from "../../src/core.ts";
import { serializeRelationship } from "../serializers/account.ts";

/** Mastodon's Relationship entities: follows and blocks from the follow service, then the viewer's mutes, domain blocks and notes. */
export async function relationshipsOf(core: Core, meId: bigint, targetIds: bigint[]) {
  const [rels, mutes, domainBlocked, notes] = await Promise.all([
    core.follows.relationships(meId, targetIds),
    core.mutes.among(meId, targetIds),
    core.accountDomainBlocks.blockingAmong(meId, targetIds),
    core.accountNotes.among(meId, targetIds),
  ]);
  return rels.map((r) => serializeRelationship(r, { mute: mutes.get(r.id), domainBlocking: domainBlocked.has(r.id), note: notes.get(r.id) }));
}

export async function relationshipOf(core: Core, meId: bigint, targetId: bigint) {
  return (await relationshipsOf(core, meId, [targetId]))[0]!;
}
