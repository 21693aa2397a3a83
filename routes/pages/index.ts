import type { FastifyInstance } from "fastify";
import type { Core } from "../../src/core.ts";
import { aboutPages } from "./about.ts";
import { documentPages } from "./documents.ts";

/** The instance's own HTML pages: /about, /rules, /terms, /privacy. */
export function pageRoutes(app: FastifyInstance, core: Core) {
  aboutPages(app, core);
  documentPages(app, core);
}
