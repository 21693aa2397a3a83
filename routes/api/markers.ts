import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Core } from "../../src/core.ts";
import { MARKER_TIMELINES } from "../../src/markers/marker.service.ts";
import { requireUser } from "../auth.ts";
import { requestParams, stringList } from "../nested-params.ts";
import { idString } from "../params.ts";

const position = z.object({ last_read_id: idString("last_read_id must be a numeric id") });
const saveBody = z
  .object({ home: position.optional(), notifications: position.optional() })
  .refine((b) => b.home || b.notifications, "home or notifications is required");

function serializeMarkers(rows: { timeline: string; lastReadId: bigint; version: number; updatedAt: Date }[]) {
  return Object.fromEntries(rows.map((m) => [m.timeline, { last_read_id: String(m.lastReadId), version: m.version, updated_at: m.updatedAt.toISOString() }]));
}

export function markerRoutes(app: FastifyInstance, core: Core) {
  app.get("/api/v1/markers", async (request) => {
    const me = await requireUser(core, request, "read:statuses");
    const timelines = z.array(z.enum(MARKER_TIMELINES)).parse(stringList(request.query, "timeline") ?? []);
    return serializeMarkers(await core.markers.get(me.id, timelines));
  });

  app.post("/api/v1/markers", async (request) => {
    const me = await requireUser(core, request, "write:statuses");
    const body = saveBody.parse(requestParams(request));
    const saved = await core.markers.save(me.id, { home: body.home?.last_read_id, notifications: body.notifications?.last_read_id });
    return serializeMarkers(saved);
  });
}
