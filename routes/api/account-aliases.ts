import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Core } from "../../src/core.ts";
import { requireUser } from "../auth.ts";
import { requestParams } from "../nested-params.ts";

// Kith's own endpoints (Mastodon manages aliases only in its web settings):
// the accounts the signed-in account says it also is, each answered with the list.

const MISSING = "the old account's handle (user@example.com) or URL is required";
const addBody = z.object({ acct: z.string({ error: MISSING }) });
/** The alias to drop, by handle or by actor URI, as the list shows it. */
const removeBody = z
  .object({ acct: z.string({ error: "acct must be text" }).optional(), uri: z.string({ error: "uri must be text" }).optional() })
  .refine((b) => Boolean(b.acct?.trim() || b.uri?.trim()), { message: "acct or uri is required: the alias to remove, as the list shows it" });

export function accountAliasRoutes(app: FastifyInstance, core: Core) {
  app.get("/api/v1/accounts/aliases", async (request) => {
    const me = await requireUser(core, request, "read:accounts");
    return core.aliases.list(me.id);
  });

  app.post("/api/v1/accounts/aliases", async (request) => {
    const me = await requireUser(core, request, "write:accounts");
    const { acct } = addBody.parse(requestParams(request));
    return core.aliases.add(me.id, acct);
  });

  app.delete("/api/v1/accounts/aliases", async (request) => {
    const me = await requireUser(core, request, "write:accounts");
    const { acct, uri } = removeBody.parse(requestParams(request));
    return core.aliases.remove(me.id, acct?.trim() || uri!);
  });
}
