import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Core } from "../../src/core.ts";
import { optionalUser, requireUser } from "../auth.ts";
import { boolish, linkHeader, pageOf } from "../params.ts";
import { serializeStatuses } from "../serializers/status.ts";

export function timelineRoutes(app: FastifyInstance, core: Core) {
  app.get("/api/v1/timelines/home", async (request, reply) => {
    const me = await requireUser(core, request, "read:statuses");
    const rows = await core.timelines.home(me.id, pageOf(request));
    linkHeader(reply, request, core.urls.origin, rows);
    return serializeStatuses(core, rows, me.id);
  });

  app.get("/api/v1/timelines/public", async (request, reply) => {
    const viewer = await optionalUser(core, request, "read:statuses");
    const scope = z.object({ local: boolish.optional(), remote: boolish.optional() }).parse(request.query ?? {});
    const rows = await core.timelines.public(pageOf(request), scope, viewer?.id ?? null);
    linkHeader(reply, request, core.urls.origin, rows);
    return serializeStatuses(core, rows, viewer?.id ?? null);
  });
}
