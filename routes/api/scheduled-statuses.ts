import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Core } from "../../src/core.ts";
import { requireUser } from "../auth.ts";
import { requestParams } from "../nested-params.ts";
import { linkHeader, pageOf, pathId } from "../params.ts";
import { serializeScheduledStatuses } from "../serializers/scheduled-status.ts";

const rescheduleBody = z.object({
  scheduled_at: z.string({ message: "scheduled_at is required" }).refine((v) => !Number.isNaN(Date.parse(v)), "scheduled_at must be an ISO 8601 date and time"),
});

export function scheduledStatusRoutes(app: FastifyInstance, core: Core) {
  app.get("/api/v1/scheduled_statuses", async (request, reply) => {
    const me = await requireUser(core, request, "read:statuses");
    const rows = await core.scheduledStatuses.list(me, pageOf(request));
    linkHeader(reply, request, core.urls.origin, rows);
    return serializeScheduledStatuses(core, rows);
  });

  app.get("/api/v1/scheduled_statuses/:id", async (request) => {
    const me = await requireUser(core, request, "read:statuses");
    return (await serializeScheduledStatuses(core, [await core.scheduledStatuses.get(me, pathId(request))]))[0];
  });

  app.put("/api/v1/scheduled_statuses/:id", async (request) => {
    const me = await requireUser(core, request, "write:statuses");
    const id = pathId(request);
    const body = rescheduleBody.parse(requestParams(request));
    return (await serializeScheduledStatuses(core, [await core.scheduledStatuses.reschedule(me, id, new Date(body.scheduled_at))]))[0];
  });

  app.delete("/api/v1/scheduled_statuses/:id", async (request) => {
    const me = await requireUser(core, request, "write:statuses");
    await core.scheduledStatuses.cancel(me, pathId(request));
    return {};
  });
}
