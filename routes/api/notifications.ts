import type { FastifyInstance } from "fastify";
import type { Core } from "../../src/core.ts";
import { notFound } from "../../src/errors.ts";
import { requireUser } from "../auth.ts";
import { linkHeader, pageOf, pathId } from "../params.ts";
import { serializeAccount } from "../serializers/account.ts";
import { serializeStatuses } from "../serializers/status.ts";

type Row = Awaited<ReturnType<Core["notifications"]["list"]>>[number];

async function serialize(core: Core, rows: Row[], viewerId: bigint) {
  const accounts = new Map((await core.accounts.findByIds([...new Set(rows.map((r) => r.fromAccountId))])).map((a) => [a.id, a]));
  const statusIds = [...new Set(rows.flatMap((r) => (r.statusId ? [r.statusId] : [])))];
  const statuses = await core.statuses.findByIds(statusIds);
  const serialized = new Map((await serializeStatuses(core, statuses, viewerId)).map((s) => [s.id as string, s]));
  return rows
    .filter((r) => accounts.has(r.fromAccountId))
    .map((r) => ({
      id: String(r.id),
      type: r.type,
      group_key: `ungrouped-${r.id}`,
      created_at: r.createdAt.toISOString(),
      account: serializeAccount(core, accounts.get(r.fromAccountId)!),
      ...(r.statusId ? { status: serialized.get(String(r.statusId)) ?? null } : {}),
    }));
}

const list = (q: unknown, key: string) => {
  const v = (q as Record<string, unknown>)[`${key}[]`] ?? (q as Record<string, unknown>)[key];
  return v === undefined ? undefined : (Array.isArray(v) ? v : [v]).map(String);
};

export function notificationRoutes(app: FastifyInstance, core: Core) {
  app.get("/api/v1/notifications", async (request, reply) => {
    const me = await requireUser(core, request, "read:notifications");
    const rows = await core.notifications.list(me.id, pageOf(request), list(request.query, "types"), list(request.query, "exclude_types"));
    linkHeader(reply, request, core.urls.origin, rows);
    return serialize(core, rows, me.id);
  });

  app.get("/api/v1/notifications/:id", async (request) => {
    const me = await requireUser(core, request, "read:notifications");
    const row = await core.notifications.get(me.id, pathId(request));
    if (!row) throw notFound("Record");
    return (await serialize(core, [row], me.id))[0] ?? Promise.reject(notFound("Record"));
  });

  app.post("/api/v1/notifications/:id/dismiss", async (request) => {
    const me = await requireUser(core, request, "write:notifications");
    await core.notifications.dismiss(me.id, pathId(request));
    return {};
  });

  app.post("/api/v1/notifications/clear", async (request) => {
    const me = await requireUser(core, request, "write:notifications");
    await core.notifications.clear(me.id);
    return {};
  });
}
