import type { FastifyInstance } from "fastify";
import type { Core } from "../../src/core.ts";
import { requireUser } from "../auth.ts";
import { linkHeader, pageOf } from "../params.ts";
import { serializeStatuses } from "../serializers/status.ts";

export function bookmarkRoutes(app: FastifyInstance, core: Core) {
  // Paged by bookmark id, so Link headers follow the order things were bookmarked in.
  app.get("/api/v1/bookmarks", async (request, reply) => {
    const me = await requireUser(core, request, "read:bookmarks");
    const rows = await core.bookmarks.list(me, pageOf(request));
    linkHeader(reply, request, core.urls.origin, rows.map((r) => ({ id: r.cursor })));
    return serializeStatuses(core, rows.map((r) => r.status), me.id);
  });
}
