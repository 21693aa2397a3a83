import type { Db } from "../db/client.ts";
import { queryRows } from "../db/direct.ts";
import { Prisma, type Account } from "../generated/prisma/client.ts";
import type { RemoteActorData } from "./account.types.ts";

export type { Account };

// The lookups every activity and request makes run as plain statements (see
// db/direct.ts); their rows are exactly the model Prisma's client returns.
const columns = Prisma.raw(Object.values(Prisma.AccountScalarFieldEnum).map((c) => `"${c}"`).join(", "));

export class AccountRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  private async first(where: Prisma.Sql): Promise<Account | null> {
    return (await queryRows<Account>(this.db, Prisma.sql`SELECT ${columns} FROM "Account" WHERE ${where} LIMIT 1`))[0] ?? null;
  }

  findById(id: bigint) {
    return this.first(Prisma.sql`id = ${id}::bigint`);
  }

  findByIds(ids: bigint[]) {
    return this.db.account.findMany({ where: { id: { in: ids } } });
  }

  findByUri(uri: string) {
    return this.first(Prisma.sql`uri = ${uri}`);
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
    // ILIKE with its wildcards escaped, or "b_b" would find "bob".
    return this.first(Prisma.sql`username ILIKE ${escapeLike(username)} AND ${domain === null ? Prisma.sql`domain IS NULL` : Prisma.sql`domain ILIKE ${escapeLike(domain)}`}`);
  }

  findLocalWithUser(id: bigint) {
    return this.db.account.findFirst({ where: { id, domain: null }, include: { user: true } });
  }

  createLocal(
    data: { username: string; uri: string; url: string; locked: boolean; actorType?: string; urls: Pick<Account, "inboxUrl" | "sharedInboxUrl" | "outboxUrl" | "followersUrl" | "followingUrl" | "featuredUrl"> },
    keys: { algorithm: string; publicJwk: object; privateJwk: object }[],
    options: { user: boolean } = { user: true },
  ) {
    return this.db.account.create({
      data: {
        username: data.username,
        domain: null,
        uri: data.uri,
        url: data.url,
        locked: data.locked,
        actorType: data.actorType ?? "Person",
        ...data.urls,
        ...(options.user ? { user: { create: {} } } : {}),
        keys: { create: keys.map((k) => ({ algorithm: k.algorithm, publicJwk: k.publicJwk, privateJwk: k.privateJwk })) },
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
      create: { ...(fields as Prisma.AccountCreateInput), uri: data.uri, username: data.username },
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

  /**
   * Remote accounts whose inboxes must hear from a local account's followers
   * collection. Read before every fan-out, for up to every follower: a plain
   * statement, as Prisma's client builds each row's object slowly.
   */
  followerInboxes(accountId: bigint) {
    return queryRows<Pick<Account, "id" | "uri" | "inboxUrl" | "sharedInboxUrl">>(this.db, Prisma.sql`
      SELECT a.id, a.uri, a."inboxUrl", a."sharedInboxUrl"
      FROM "Follow" f JOIN "Account" a ON a.id = f."followerId"
      WHERE f."followingId" = ${accountId}::bigint AND f.state = 'accepted' AND a.domain IS NOT NULL`);
  }
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
