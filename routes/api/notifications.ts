import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Core } from "../../src/core.ts";
import { notFound } from "../../src/errors.ts";
import type { NotificationQuery } from "../../src/notifications/notification.repository.ts";
import { requireUser } from "../auth.ts";
import { stringList } from "../nested-params.ts";
import { idString, limitParam, linkHeader, pageOf, pageSized, pathId } from "../params.ts";
import { serializeAccount } from "../serializers/account.ts";
import { serializeGroupedNotifications, serializeNotifications } from "../serializers/notification.ts";

const accountIdQuery = z.object({ account_id: idString("account_id must be a numeric id").optional() });

/** types[], exclude_types[] and account_id, shared by the list and the unread count. */
function queryOf(request: FastifyRequest): NotificationQuery {
  const { account_id } = accountIdQuery.parse(request.query ?? {});
  return { types: stringList(request.query, "types"), excludeTypes: stringList(request.query, "exclude_types"), fromAccountId: account_id };
}

const unreadQuery = z.object({ limit: limitParam(100, 1000) });

/** Nobody's notifications are held back for review: Kith accepts them all, so the policy is fixed. */
const POLICY = {
  for_not_following: "accept",
  for_not_followers: "accept",
  for_new_accounts: "accept",
  for_private_mentions: "accept",
  for_limited_accounts: "accept",
  summary: { pending_requests_count: 0, pending_notifications_count: 0 },
};

export function notificationRoutes(app: FastifyInstance, core: Core) {
  app.get("/api/v1/notifications", async (request, reply) => {
    const me = await requireUser(core, request, "read:notifications");
    const rows = await core.notifications.list(me.id, pageOf(request), queryOf(request));
    linkHeader(reply, request, core.urls.origin, rows);
    return serializeNotifications(core, rows, me.id);
  });

  for (const version of ["v1", "v2"]) {
    app.get(`/api/${version}/notifications/unread_count`, async (request) => {
      const me = await requireUser(core, request, "read:notifications");
      const { limit } = unreadQuery.parse(request.query ?? {});
      const query = queryOf(request);
      const lastRead = await core.markers.lastReadId(me.id, "notifications");
      return { count: await core.notifications.unreadCount(me.id, lastRead, limit, query) };
    });

    app.get(`/api/${version}/notifications/policy`, async (request) => {
      await requireUser(core, request, "read:notifications");
      return version === "v2" ? POLICY : { filter_not_following: false, filter_not_followers: false, filter_new_accounts: false, filter_private_mentions: false, summary: POLICY.summary };
    });
  }

  app.get("/api/v1/notifications/requests", async (request) => {
    await requireUser(core, request, "read:notifications");
    return [];
  });

  app.get("/api/v1/notifications/:id", async (request) => {
    const me = await requireUser(core, request, "read:notifications");
    const row = await core.notifications.get(me.id, pathId(request));
    const serialized = row ? (await serializeNotifications(core, [row], me.id))[0] : undefined;
    if (!serialized) throw notFound("Notification");
    return serialized;
  });

  app.post("/api/v1/notifications/:id/dismiss", async (request) => {
    const me = await requireUser(core, request, "write:notifications");
    if (!(await core.notifications.dismiss(me.id, pathId(request)))) throw notFound("Notification");
    return {};
  });

  app.post("/api/v1/notifications/clear", async (request) => {
    const me = await requireUser(core, request, "write:notifications");
    await core.notifications.clear(me.id);
    return {};
  });

  // ---- Grouped notifications (API v2) ----

  const groupedTypes = (request: FastifyRequest) => new Set(stringList(request.query, "grouped_types") ?? ["favourite", "reblog", "follow"]);
  // v2 pages hold 40 notifications, up to 80 (Mastodon's limits for groups).
  const v2Page = (request: FastifyRequest) => pageSized(request, 40);

  app.get("/api/v2/notifications", async (request, reply) => {
    const me = await requireUser(core, request, "read:notifications");
    const rows = await core.notifications.list(me.id, v2Page(request), queryOf(request));
    linkHeader(reply, request, core.urls.origin, rows);
    return serializeGroupedNotifications(core, rows, me.id, groupedTypes(request));
  });

  const groupRows = async (request: FastifyRequest, accountId: bigint) => {
    const members = await core.notifications.group(accountId, (request.params as { group_key: string }).group_key);
    if (!members.length) throw notFound("Notification group");
    return members;
  };

  app.get("/api/v2/notifications/:group_key", async (request) => {
    const me = await requireUser(core, request, "read:notifications");
    return serializeGroupedNotifications(core, await groupRows(request, me.id), me.id, groupedTypes(request));
  });

  app.get("/api/v2/notifications/:group_key/accounts", async (request) => {
    const me = await requireUser(core, request, "read:notifications");
    const members = await groupRows(request, me.id);
    const accounts = await core.accounts.findByIds([...new Set(members.map((m) => m.fromAccountId))]);
    return accounts.map((a) => serializeAccount(core, a));
  });

  app.post("/api/v2/notifications/:group_key/dismiss", async (request) => {
    const me = await requireUser(core, request, "write:notifications");
    if (!(await core.notifications.dismissGroup(me.id, (request.params as { group_key: string }).group_key))) throw notFound("Notification group");
    return {};
  });
}
