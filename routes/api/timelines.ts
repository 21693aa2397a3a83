import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Core } from "../../src/core.ts";
import { isHashtagName } from "../../src/search/hashtag.ts";
import type { Scope } from "../../src/timelines/timeline.service.ts";
import { optionalUser, requireUser } from "../auth.ts";
import { stringList } from "../nested-params.ts";
import { hashtagParam, linkHeader, pageOf, pathId, refuseNegativePagination } from "../params.ts";
import { serializeStatuses } from "../serializers/status.ts";
import { serializeTimeline } from "../serializers/timeline.ts";
import { flag } from "../booleans.ts";

const scopeQuery = z.object({ local: flag, remote: flag, only_media: flag });

function scopeOf(request: FastifyRequest): Scope {
  const q = scopeQuery.parse(request.query ?? {});
  return { local: q.local, remote: q.remote, onlyMedia: q.only_media };
}

/** Extra hashtags of a tag timeline (any[], all[], none[]); an invalid name is a 422. */
function tagList(request: FastifyRequest, key: string): string[] | undefined {
  const names = stringList(request.query, key);
  return names && z.array(z.string().refine(isHashtagName, `${key} must be hashtag names`)).max(10).parse(names);
}

export function timelineRoutes(app: FastifyInstance, core: Core) {
  app.get("/api/v1/timelines/home", async (request, reply) => {
    const me = await requireUser(core, request, "read:statuses");
    refuseNegativePagination(request);
    const rows = await core.timelines.home(me.id, pageOf(request));
    linkHeader(reply, request, core.urls.origin, rows);
    return serializeTimeline(core, rows, me.id, "home");
  });

  app.get("/api/v1/timelines/public", async (request, reply) => {
    const viewer = await optionalUser(core, request, "read:statuses");
    const rows = await core.timelines.public(pageOf(request), scopeOf(request), viewer?.id ?? null);
    linkHeader(reply, request, core.urls.origin, rows);
    return serializeTimeline(core, rows, viewer?.id ?? null, "public");
  });

  app.get("/api/v1/timelines/tag/:hashtag", async (request, reply) => {
    const viewer = await optionalUser(core, request, "read:statuses");
    const name = hashtagParam(request, "hashtag");
    const query = { any: tagList(request, "any"), all: tagList(request, "all"), none: tagList(request, "none") };
    const rows = await core.timelines.tag(name, query, scopeOf(request), pageOf(request), viewer?.id ?? null);
    linkHeader(reply, request, core.urls.origin, rows);
    return serializeTimeline(core, rows, viewer?.id ?? null, "public");
  });

  app.get("/api/v1/timelines/list/:list_id", async (request, reply) => {
    const me = await requireUser(core, request, "read:lists");
    const rows = await core.timelines.list(me.id, pathId(request, "list_id"), pageOf(request));
    linkHeader(reply, request, core.urls.origin, rows);
    // Mastodon's "home" filter context covers lists too.
    return serializeTimeline(core, rows, me.id, "home");
  });

  app.get("/api/v1/favourites", async (request, reply) => {
    const me = await requireUser(core, request, "read:favourites");
    const rows = await core.timelines.favourites(me.id, pageOf(request));
    // The page is keyed by favourite id, not status id.
    linkHeader(reply, request, core.urls.origin, rows);
    return serializeStatuses(core, rows.map((r) => r.status), me.id);
  });

  // Kith computes no trends yet: the endpoints answer with empty lists so apps show nothing rather than fail.
  for (const path of ["/api/v1/trends", "/api/v1/trends/tags", "/api/v1/trends/statuses", "/api/v1/trends/links"]) {
    app.get(path, async () => []);
  }
}
