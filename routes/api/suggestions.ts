import type { FastifyInstance } from "fastify";
import type { Core } from "../../src/core.ts";
import { requireUser } from "../auth.ts";
import { pathId } from "../params.ts";
import { serializeAccount } from "../serializers/account.ts";
import { accountPageOf } from "./account-queries.ts";

// Follow suggestions. v2 says why each account is suggested (Mastodon 4.3's
// Suggestion entity: `sources`, and the older `source` mapped from them); v1
// lists the accounts alone.

const LEGACY_SOURCE = { most_followed: "global" } as const;

export function suggestionRoutes(app: FastifyInstance, core: Core) {
  // Mastodon's scopes: read:accounts to list, write:accounts to dismiss.
  app.get("/api/v2/suggestions", async (request) => {
    const me = await requireUser(core, request, "read:accounts");
    const suggestions = await core.suggestions.suggest(me.id, accountPageOf(request).limit);
    return suggestions.map((s) => ({ source: LEGACY_SOURCE[s.sources[0]], sources: s.sources, account: serializeAccount(core, s.account) }));
  });

  app.get("/api/v1/suggestions", async (request) => {
    const me = await requireUser(core, request, "read:accounts");
    const suggestions = await core.suggestions.suggest(me.id, accountPageOf(request).limit);
    return suggestions.map((s) => serializeAccount(core, s.account));
  });

  app.delete("/api/v1/suggestions/:account_id", async (request) => {
    const me = await requireUser(core, request, "write:accounts");
    await core.suggestions.dismiss(me.id, pathId(request, "account_id"));
    return {};
  });
}
