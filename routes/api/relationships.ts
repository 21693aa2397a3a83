import type { Core } from "../../src/core.ts";
import { serializeRelationship } from "../serializers/account.ts";

/** Mastodon's Relationship entities: follows and blocks from the follow service, mutes from the mute service. */
export async function relationshipsOf(core: Core, meId: bigint, targetIds: bigint[]) {
  const [rels, mutes] = await Promise.all([core.follows.relationships(meId, targetIds), core.mutes.among(meId, targetIds)]);
  return rels.map((r) => serializeRelationship(r, mutes.get(r.id)));
}

export async function relationshipOf(core: Core, meId: bigint, targetId: bigint) {
  return (await relationshipsOf(core, meId, [targetId]))[0]!;
}
