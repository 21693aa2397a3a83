import type { FastifyInstance } from "fastify";
import type { Core } from "../../src/core.ts";
import { defaultImageRoutes } from "../web/default-images.ts";
import { publicPageRoutes } from "../web/public-pages.ts";
import { aboutPages } from "./about.ts";
import { documentPages } from "./documents.ts";

/** The instance's own HTML pages (/, /tags/:tag, /about, /rules, /terms, /privacy) and the default pictures. */
export function pageRoutes(app: FastifyInstance, core: Core) {
  publicPageRoutes(app, core);
  aboutPages(app, core);
  documentPages(app, core);
  defaultImageRoutes(app);
}
