import type { Db } from "../db/client.ts";
import type { Account, Prisma } from "../generated/prisma/client.ts";
import { newId } from "../ids.ts";
import type { RemoteActorData } from "./account.types.ts";

export type { Account };

export class AccountRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  findById(id: bigint) {
    return this.db.account.findUnique({ where: { id } });
  }

  findByIds(ids: bigint[]) {
    return this.db.account.findMany({ where: { id: { in: ids } } });
  }

  findByUri(uri: string) {
    return this.db.account.findUnique({ where: { uri } });
  }

  /** The remote account a key id belongs to, for inbox signature checks. */
  findRemoteKey(keyId: string) {
    return this.db.account.findFirst({
      where: { publicKeyId: keyId, domain: { not: null }, deletedByOriginAt: null },
      select: { uri: true, publicKeyPem: true },
    });
  }

  findByUris(uris: string[]) {
    return this.db.account.findMany({ where: { uri: { in: uris } } });
  }

  /** Usernames are case-insensitive, as on Mastodon. */
  findByUsername(username: string, domain: string | null) {
    return this.db.account.findFirst({
      // Prisma turns case-insensitive equals into ILIKE: escape its wildcards, or "b_b" would find "bob".
      where: { username: { equals: escapeLike(username), mode: "insensitive" }, domain: domain === null ? null : { equals: escapeLike(domain), mode: "insensitive" } },
    });
  }

  findLocalWithUser(id: bigint) {
    return this.db.account.findFirst({ where: { id, domain: null }, include: { user: true } });
  }

  createLocal(
    data: { id: bigint; username: string; uri: string; url: string; locked: boolean; actorType?: string; urls: Pick<Account, "inboxUrl" | "sharedInboxUrl" | "outboxUrl" | "followersUrl" | "followingUrl" | "featuredUrl"> },
    keys: { algorithm: string; publicJwk: object; privateJwk: object }[],
    options: { user: boolean } = { user: true },
  ) {
    return this.db.account.create({
      data: {
        id: data.id,
        username: data.username,
        domain: null,
        uri: data.uri,
        url: data.url,
        locked: data.locked,
        actorType: data.actorType ?? "Person",
        ...data.urls,
        ...(options.user ? { user: { create: {} } } : {}),
        keys: { create: keys.map((k) => ({ id: newId(), algorithm: k.algorithm, publicJwk: k.publicJwk, privateJwk: k.privateJwk })) },
      },
    });
  }

  /** Inserts or refreshes a remote actor, keyed by its ActivityPub id. */
  async upsertRemote(data: RemoteActorData): Promise<Account> {
    const fields: Prisma.AccountUpdateInput = {
      username: data.username,
      domain: data.domain,
      url: data.url,
      actorType: data.actorType,
      displayName: data.displayName,
      note: data.note,
      avatarUrl: data.avatarUrl,
      headerUrl: data.headerUrl,
      locked: data.locked,
      bot: data.bot,
      discoverable: data.discoverable,
      fields: data.fields,
      inboxUrl: data.inboxUrl,
      sharedInboxUrl: data.sharedInboxUrl,
      outboxUrl: data.outboxUrl,
      followersUrl: data.followersUrl,
      followingUrl: data.followingUrl,
      featuredUrl: data.featuredUrl,
      publicKeyPem: data.publicKeyPem,
      publicKeyId: data.publicKeyId,
      movedToUri: data.movedToUri,
      alsoKnownAs: data.alsoKnownAs,
      fetchedAt: new Date(),
    };
    return this.db.account.upsert({
      where: { uri: data.uri },
      update: fields,
      create: { ...(fields as Prisma.AccountCreateInput), id: newId(), uri: data.uri, username: data.username },
    });
  }

  updateProfile(id: bigint, data: Prisma.AccountUpdateInput) {
    return this.db.account.update({ where: { id }, data });
  }

  adjustCounts(id: bigint, delta: { followers?: number; following?: number; statuses?: number }) {
    return this.db.account.update({
      where: { id },
      data: {
        followersCount: { increment: delta.followers ?? 0 },
        followingCount: { increment: delta.following ?? 0 },
        statusesCount: { increment: delta.statuses ?? 0 },
        ...(delta.statuses && delta.statuses > 0 ? { lastStatusAt: new Date() } : {}),
      },
    });
  }

  keysOf(accountId: bigint) {
    return this.db.keyPair.findMany({ where: { accountId }, orderBy: { algorithm: "desc" } });
  }

  /** Remote accounts whose inboxes must hear from a local account's followers collection. */
  followerInboxes(accountId: bigint) {
    return this.db.account.findMany({
      where: { domain: { not: null }, following: { some: { followingId: accountId, state: "accepted" } } },
      select: { id: true, uri: true, inboxUrl: true, sharedInboxUrl: true },
    });
  }
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
