import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Core } from "../../src/core.ts";
import { pathId } from "../params.ts";
import { serializeRule } from "../serializers/rule.ts";
import { requireStaff } from "./guard.ts";
import { requestParams } from "../nested-params.ts";

// /api/v1/admin/rules: a Kith addition (Mastodon edits rules in its web
// admin only). Rules have no admin scope of their own: admin:read/admin:write.

const ruleBody = z.object({
  text: z.string({ message: "text is required" }),
  hint: z.string().optional(),
  position: z.coerce.number().int().min(0).max(10_000).optional(),
});

export function adminRuleRoutes(app: FastifyInstance, core: Core) {
  app.get("/api/v1/admin/rules", async (request) => {
    await requireStaff(core, request, "admin:read", "manage_rules");
    return (await core.rules.list()).map(serializeRule);
  });

  app.get("/api/v1/admin/rules/:id", async (request) => {
    await requireStaff(core, request, "admin:read", "manage_rules");
    return serializeRule(await core.rules.get(pathId(request)));
  });

  app.post("/api/v1/admin/rules", async (request) => {
    await requireStaff(core, request, "admin:write", "manage_rules");
    return serializeRule(await core.rules.add(ruleBody.parse(requestParams(request))));
  });

  app.put("/api/v1/admin/rules/:id", async (request) => {
    await requireStaff(core, request, "admin:write", "manage_rules");
    const id = pathId(request);
    await core.rules.get(id);
    return serializeRule(await core.rules.update(id, ruleBody.partial().parse(requestParams(request))));
  });

  app.delete("/api/v1/admin/rules/:id", async (request) => {
    await requireStaff(core, request, "admin:write", "manage_rules");
    return serializeRule(await core.rules.remove(pathId(request)));
  });
}
