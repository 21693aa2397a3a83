import type { FastifyInstance } from "fastify";
import type { Core } from "../../src/core.ts";
import { principalOf, requireUser } from "../auth.ts";
import { hashtagParam, linkHeader, pageSized } from "../params.ts";
import { serializeTag } from "../serializers/tag.ts";

// Hashtags and following them (Mastodon 4). What a followed tag brings to the
// home timeline is decided at fan-out, in the core.

export function tagRoutes(app: FastifyInstance, core: Core) {
  // Public, and any token will do (Mastodon asks no scope here): it only says whether the viewer follows the tag.
  app.get("/api/v1/tags/:name", async (request) => {
    const viewer = (await principalOf(core, request))?.account ?? null;
    return serializeTag(core, await core.tagFollows.show(viewer?.id ?? null, hashtagParam(request, "name")));
  });

  app.post("/api/v1/tags/:name/follow", async (request) => {
    const me = await requireUser(core, request, "write:follows");
    return serializeTag(core, await core.tagFollows.follow(me.id, hashtagParam(request, "name")));
  });

  app.post("/api/v1/tags/:name/unfollow", async (request) => {
    const me = await requireUser(core, request, "write:follows");
    return serializeTag(core, await core.tagFollows.unfollow(me.id, hashtagParam(request, "name")));
  });

  app.get("/api/v1/followed_tags", async (request, reply) => {
    const me = await requireUser(core, request, "read:follows");
    const rows = await core.tagFollows.followed(me.id, pageSized(request, 100));
    linkHeader(reply, request, core.urls.origin, rows);
    return rows.map((r) => serializeTag(core, r.tag));
  });
}
