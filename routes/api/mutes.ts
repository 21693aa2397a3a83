import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Core } from "../../src/core.ts";
import { requireUser } from "../auth.ts";
import { requestParams } from "../nested-params.ts";
import { linkHeader, pageOf, pathId, rubyInteger } from "../params.ts";
import { serializeAccount } from "../serializers/account.ts";
import { relationshipOf } from "./relationships.ts";
import { flagOr } from "../booleans.ts";

const muteBody = z.object({
  notifications: flagOr(true),
  /** Seconds, read like to_i as Mastodon does; 0 or absent mutes until unmuted. */
  duration: z.preprocess(rubyInteger, z.number().min(0, "duration must be 0 or more seconds").max(2_147_483_647, "duration is too long")),
});

export function muteRoutes(app: FastifyInstance, core: Core) {
  app.post("/api/v1/accounts/:id/mute", async (request) => {
    const me = await requireUser(core, request, "write:mutes");
    const targetId = pathId(request);
    const body = muteBody.parse(requestParams(request));
    await core.mutes.mute(me.id, targetId, { notifications: body.notifications, durationSeconds: body.duration });
    return relationshipOf(core, me.id, targetId);
  });

  app.post("/api/v1/accounts/:id/unmute", async (request) => {
    const me = await requireUser(core, request, "write:mutes");
    const targetId = pathId(request);
    await core.mutes.unmute(me.id, targetId);
    return relationshipOf(core, me.id, targetId);
  });

  app.get("/api/v1/mutes", async (request, reply) => {
    const me = await requireUser(core, request, "read:mutes");
    const rows = await core.mutes.page(me.id, pageOf(request));
    linkHeader(reply, request, core.urls.origin, rows);
    // Mastodon 4.3 adds when each mute ends to the accounts of this list.
    return rows.map((m) => ({ ...serializeAccount(core, m.target), mute_expires_at: m.expiresAt?.toISOString() ?? null }));
  });
}
