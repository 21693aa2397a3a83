import type { Db } from "../db/client.ts";
import { reserveId } from "../db/ids.ts";
import { Prisma, type PushSubscription } from "../generated/prisma/client.ts";

export type { PushSubscription };

export type PushChoices = { alerts: string[]; policy: string };

/** The ids of an account's subscriptions that want this type of notification: a subquery of the notification's insert. */
export const subscriptionsWanting = (accountId: bigint | Prisma.Sql, type: string) =>
  Prisma.sql`SELECT id FROM "PushSubscription" WHERE "accountId" = ${accountId instanceof Prisma.Sql ? accountId : Prisma.sql`${accountId}::bigint`} AND ${type} = ANY(alerts) AND policy <> 'none' ORDER BY id`;

export type NewPushSubscription = PushChoices & {
  accessTokenId: bigint;
  accountId: bigint;
  endpoint: string;
  p256dh: string;
  auth: string;
  sealedToken: string;
  standard: boolean;
};

export class PushSubscriptionRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  /** A token has one subscription: a new one replaces it, with a new id, in one statement. */
  async replace(data: NewPushSubscription) {
    const row = { ...data, id: await reserveId(this.db) };
    return this.db.pushSubscription.upsert({ where: { accessTokenId: data.accessTokenId }, create: row, update: row });
  }

  findByToken(accessTokenId: bigint) {
    return this.db.pushSubscription.findUnique({ where: { accessTokenId } });
  }

  /** Null when there is none: PUT must not create one. */
  async updateChoices(accessTokenId: bigint, choices: PushChoices) {
    const { count } = await this.db.pushSubscription.updateMany({ where: { accessTokenId }, data: choices });
    return count ? this.findByToken(accessTokenId) : null;
  }

  deleteByToken(accessTokenId: bigint) {
    return this.db.pushSubscription.deleteMany({ where: { accessTokenId } });
  }

  delete(id: bigint) {
    return this.db.pushSubscription.deleteMany({ where: { id } });
  }

  /** A subscription with what a push needs to know about its token and user. */
  findForDelivery(id: bigint) {
    return this.db.pushSubscription.findUnique({
      where: { id },
      include: {
        accessToken: { select: { revokedAt: true, expiresAt: true } },
        account: { select: { suspendedAt: true, user: { select: { locale: true, disabledAt: true } } } },
      },
    });
  }

  /** The notification as a push describes it: who acted, and on which post. */
  findNotification(accountId: bigint, id: bigint) {
    return this.db.notification.findFirst({
      where: { id, accountId },
      include: {
        fromAccount: { select: { username: true, displayName: true, note: true, avatarUrl: true } },
        status: { select: { spoilerText: true, content: true } },
      },
    });
  }
}

export type DeliverableSubscription = NonNullable<Awaited<ReturnType<PushSubscriptionRepository["findForDelivery"]>>>;
export type PushedNotification = NonNullable<Awaited<ReturnType<PushSubscriptionRepository["findNotification"]>>>;
