import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Core } from "../../src/core.ts";
import { requireUser } from "../auth.ts";
import { requestParams } from "../nested-params.ts";
import { linkHeader, pageSized } from "../params.ts";

// A user's own domain blocks (Mastodon's /api/v1/domain_blocks).

const domainParam = z.object({ domain: z.string({ error: "domain is required" }).trim().min(1, "domain is required") });

/** Rails reads `domain` from the body or the query string; apps send DELETE either way. */
function domainOf(request: FastifyRequest): string {
  return domainParam.parse(requestParams(request)).domain;
}

export function domainBlockRoutes(app: FastifyInstance, core: Core) {
  app.get("/api/v1/domain_blocks", async (request, reply) => {
    const me = await requireUser(core, request, "read:blocks");
    const rows = await core.accountDomainBlocks.page(me.id, pageSized(request, 100));
    linkHeader(reply, request, core.urls.origin, rows);
    return rows.map((b) => b.domain);
  });

  app.post("/api/v1/domain_blocks", async (request) => {
    const me = await requireUser(core, request, "write:blocks");
    await core.accountDomainBlocks.block(me.id, domainOf(request));
    return {};
  });

  app.delete("/api/v1/domain_blocks", async (request) => {
    const me = await requireUser(core, request, "write:blocks");
    await core.accountDomainBlocks.unblock(me.id, domainOf(request));
    return {};
  });
}
