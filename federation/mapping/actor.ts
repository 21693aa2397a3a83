import { toInstant } from "../../src/temporal.ts";
import { exportSpki, type Context } from "@fedify/fedify";
import { Application, Endpoints, Image, isActor, Person, PropertyValue, Service, type Actor } from "@fedify/vocab";
import type { Account } from "../../src/accounts/account.repository.ts";
import type { ProfileField, RemoteActorData } from "../../src/accounts/account.types.ts";
import type { Core } from "../../src/core.ts";

const text = (v: unknown): string => (v == null ? "" : String(v));

/** A remote actor document in the domain's terms; null if it lacks what federation needs. */
export async function actorToData(actor: Actor): Promise<RemoteActorData | null> {
  if (!isActor(actor) || !actor.id || !actor.inboxId) return null;
  const username = text(actor.preferredUsername).trim();
  if (!username) return null;
  const fields: ProfileField[] = [];
  for await (const att of actor.getAttachments()) {
    if (att instanceof PropertyValue && fields.length < 16) fields.push({ name: text(att.name), value: text(att.value) });
  }
  const icon = await actor.getIcon().catch(() => null);
  const image = await actor.getImage().catch(() => null);
  const url = actor.url instanceof URL ? actor.url.href : actor.url?.href?.href ?? null;
  const key = await actor.getPublicKey().catch(() => null);
  return {
    uri: actor.id.href,
    username,
    domain: actor.id.host,
    url,
    actorType: actor.constructor.name,
    displayName: text(actor.name).slice(0, 200),
    note: text(actor.summary),
    avatarUrl: imageUrl(icon),
    headerUrl: imageUrl(image),
    locked: actor.manuallyApprovesFollowers ?? false,
    bot: actor instanceof Service || actor.constructor.name === "Application",
    discoverable: actor.discoverable ?? false,
    fields,
    inboxUrl: actor.inboxId.href,
    sharedInboxUrl: actor.endpoints?.sharedInbox?.href ?? null,
    outboxUrl: actor.outboxId?.href ?? null,
    followersUrl: actor.followersId?.href ?? null,
    followingUrl: actor.followingId?.href ?? null,
    featuredUrl: actor.featuredId?.href ?? null,
    publicKeyPem: key?.publicKey ? await exportSpki(key.publicKey) : null,
    publicKeyId: key?.id?.href ?? null,
    movedToUri: actor.successorId?.href ?? null,
    alsoKnownAs: actor.aliasIds.map((u) => u.href),
  };
}

function imageUrl(img: unknown): string | null {
  if (!(img instanceof Image)) return null;
  const url = img.url;
  if (url instanceof URL) return url.href;
  return url?.href?.href ?? null;
}

/**
 * A local account as the ActivityPub actor other servers fetch (the instance
 * actor is an Application). A suspended account is served as Mastodon serves
 * it: its keys and endpoints, `suspended: true`, and no profile.
 */
export async function accountToPerson(ctx: Context<Core>, account: Account): Promise<Person | Application> {
  const identifier = account.username;
  const keys = await ctx.getActorKeyPairs(identifier);
  const suspended = account.suspendedAt !== null;
  const fields = suspended ? [] : ((account.fields as ProfileField[] | null) ?? []);
  const Type = account.actorType === "Application" ? Application : Person;
  return new Type({
    id: ctx.getActorUri(identifier),
    preferredUsername: account.username,
    name: suspended ? account.username : account.displayName || null,
    summary: suspended ? null : account.note || null,
    ...(suspended ? { suspended: true } : {}),
    url: account.url ? new URL(account.url) : null,
    published: toInstant(account.createdAt),
    inbox: ctx.getInboxUri(identifier),
    outbox: ctx.getOutboxUri(identifier),
    followers: ctx.getFollowersUri(identifier),
    following: ctx.getFollowingUri(identifier),
    featured: ctx.getFeaturedUri(identifier),
    endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
    manuallyApprovesFollowers: account.locked,
    discoverable: account.discoverable,
    indexable: account.discoverable,
    icon: account.avatarUrl && !suspended ? new Image({ url: new URL(account.avatarUrl) }) : null,
    image: account.headerUrl && !suspended ? new Image({ url: new URL(account.headerUrl) }) : null,
    attachments: fields.map((f) => new PropertyValue({ name: f.name, value: f.value })),
    publicKey: keys[0]?.cryptographicKey ?? null,
    assertionMethods: keys.map((k) => k.multikey),
    aliases: account.alsoKnownAs.map((u) => new URL(u)),
    successor: account.movedToUri ? new URL(account.movedToUri) : null,
  });
}
