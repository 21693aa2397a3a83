import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Core } from "../../src/core.ts";
import { KithError } from "../../src/errors.ts";
import { optionalUser } from "../auth.ts";
import { idString, limitParam, offsetParam, refuseNegativePagination } from "../params.ts";
import { movedTargets, serializeAccount } from "../serializers/account.ts";
import { serializeTag } from "../serializers/tag.ts";
import { serializeStatuses } from "../serializers/status.ts";
import { flag } from "../booleans.ts";

const query = z.object({
  q: z.string({ error: "q is required" }).trim().min(1, "q is required"),
  type: z.enum(["accounts", "statuses", "hashtags"]).optional(),
  resolve: flag,
  following: flag,
  account_id: idString("account_id must be a numeric id").optional(),
  limit: limitParam(20),
  offset: offsetParam,
});

export function searchRoutes(app: FastifyInstance, core: Core) {
  app.get("/api/v2/search", async (request) => {
    const viewer = await optionalUser(core, request, "read:search");
    refuseNegativePagination(request);
    const q = query.parse(request.query ?? {});
    // Paging through results is for signed-in users, as on Mastodon; so is making the server fetch from others.
    if (q.offset > 0 && !viewer) throw new KithError(401, "Search queries with offset require a signed-in user");
    const found = await core.search.search(
      viewer?.id ?? null,
      { q: q.q, type: q.type, resolve: q.resolve, following: q.following, accountId: q.account_id, limit: q.limit, offset: q.offset },
      core.resolver,
    );
    const moved = await movedTargets(core, found.accounts);
    return {
      accounts: found.accounts.map((a) => serializeAccount(core, a, a.movedToUri ? moved.get(a.movedToUri) : null)),
      statuses: await serializeStatuses(core, found.statuses, viewer?.id ?? null),
      hashtags: found.hashtags.map((t) => serializeTag(core, t)),
    };
  });
}
