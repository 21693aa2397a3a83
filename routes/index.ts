import type { FastifyInstance } from "fastify";
import type { Core } from "../src/core.ts";
import { accountRoutes } from "./api/accounts.ts";
import { appRoutes } from "./api/apps.ts";
import { registrationRoutes } from "./api/registration.ts";
import { oauthRoutes } from "./oauth/index.ts";
import { conversationRoutes } from "./api/conversations.ts";
import { filterRoutes } from "./api/filters.ts";
import { listRoutes } from "./api/lists.ts";
import { markerRoutes } from "./api/markers.ts";
import { muteRoutes } from "./api/mutes.ts";
import { notificationRoutes } from "./api/notifications.ts";
import { searchRoutes } from "./api/search.ts";
import { statusRoutes } from "./api/statuses.ts";
import { bookmarkRoutes } from "./api/bookmarks.ts";
import { mediaRoutes } from "./api/media.ts";
import { pollRoutes } from "./api/polls.ts";
import { scheduledStatusRoutes } from "./api/scheduled-statuses.ts";
import { timelineRoutes } from "./api/timelines.ts";
import { instanceRoutes } from "./api/instance.ts";
import { reportRoutes } from "./api/reports.ts";
import { adminRoutes } from "./admin/index.ts";
import { pageRoutes } from "./pages/index.ts";
import { wellKnownRoutes } from "./well-known.ts";
import { streamingRoutes } from "./streaming/streaming.routes.ts";

export { buildApp } from "./app.ts";
export { htmlPages } from "./html.ts";

export function registerRoutes(app: FastifyInstance, core: Core) {
  wellKnownRoutes(app, core);
  accountRoutes(app, core);
  statusRoutes(app, core);
  mediaRoutes(app, core);
  pollRoutes(app, core);
  scheduledStatusRoutes(app, core);
  bookmarkRoutes(app, core);
  timelineRoutes(app, core);
  notificationRoutes(app, core);
  searchRoutes(app, core);
  instanceRoutes(app, core);
  reportRoutes(app, core);
  adminRoutes(app, core);
  pageRoutes(app, core);
  listRoutes(app, core);
  filterRoutes(app, core);
  markerRoutes(app, core);
  conversationRoutes(app, core);
  muteRoutes(app, core);
  appRoutes(app, core);
  registrationRoutes(app, core);
  oauthRoutes(app, core);
  // In a plugin, so it loads after @fastify/websocket (registered in buildApp) and can declare WebSocket routes.
  app.register(async (scope) => streamingRoutes(scope, core));
}
