import type { FastifyInstance } from "fastify";
import type { Core } from "../../src/core.ts";
import { adminAccountRoutes } from "./accounts.ts";
import { adminDomainRoutes } from "./domain-blocks.ts";
import { adminEmailBlockRoutes } from "./email-blocks.ts";
import { adminReportRoutes } from "./reports.ts";
import { adminRuleRoutes } from "./rules.ts";

/** The admin API (/api/v1/admin/...): staff only, with admin scopes. */
export function adminRoutes(app: FastifyInstance, core: Core) {
  adminAccountRoutes(app, core);
  adminReportRoutes(app, core);
  adminDomainRoutes(app, core);
  adminEmailBlockRoutes(app, core);
  adminRuleRoutes(app, core);
}
