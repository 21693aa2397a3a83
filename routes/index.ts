import type { FastifyInstance } from "fastify";
import type { Core } from "../src/core.ts";
import { accountRoutes } from "./api/accounts.ts";
import { notificationRoutes } from "./api/notifications.ts";
import { searchRoutes } from "./api/search.ts";
import { statusRoutes } from "./api/statuses.ts";
import { timelineRoutes } from "./api/timelines.ts";
import { wellKnownRoutes } from "./well-known.ts";

export { buildApp } from "./app.ts";
export { htmlPages } from "./html.ts";

export function registerRoutes(app: FastifyInstance, core: Core) {
  wellKnownRoutes(app, core);
  accountRoutes(app, core);
  statusRoutes(app, core);
  timelineRoutes(app, core);
  notificationRoutes(app, core);
  searchRoutes(app, core);
}
