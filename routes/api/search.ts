import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Core } from "../../src/core.ts";
import { optionalUser } from "../auth.ts";
import { boolish } from "../params.ts";
import { serializeAccount } from "../serializers/account.ts";
import { serializeStatuses } from "../serializers/status.ts";

const query = z.object({
  q: z.string().trim().min(1, "q is required"),
  type: z.enum(["accounts", "statuses", "hashtags"]).optional(),
  resolve: boolish.optional(),
});

export function searchRoutes(app: FastifyInstance, core: Core) {
  app.get("/api/v2/search", async (request) => {
    const viewer = await optionalUser(core, request, "read:search");
    const q = query.parse(request.query ?? {});
    // Only signed-in users may make the server fetch from other servers.
    const resolve = Boolean(q.resolve && viewer);
    const accounts = [];
    const statuses = [];
    if (!q.type || q.type === "accounts") {
      const account = resolve ? await core.accounts.resolve(q.q) : await core.accounts.lookup(q.q).catch(() => null);
      if (account) accounts.push(account);
    }
    if ((!q.type || q.type === "statuses") && /^https?:\/\//.test(q.q)) {
      const status = (await core.statuses.findByUri(q.q)) ?? (resolve ? await core.resolver?.resolveStatus(q.q) : null);
      if (status && (await core.statuses.canSee(status, viewer?.id ?? null))) statuses.push(status);
    }
    return {
      accounts: accounts.map((a) => serializeAccount(core, a)),
      statuses: await serializeStatuses(core, statuses, viewer?.id ?? null),
      hashtags: [],
    };
  });
}
