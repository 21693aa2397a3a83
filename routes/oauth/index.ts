import type { FastifyInstance } from "fastify";
import type { Core } from "../../src/core.ts";
import { authorizeRoutes } from "./authorize.ts";
import { oauthMetadataRoutes } from "./metadata.ts";
import { signOutRoutes } from "./sign-out.ts";
import { tokenRoutes } from "./token.ts";

export function oauthRoutes(app: FastifyInstance, core: Core) {
  oauthMetadataRoutes(app, core);
  authorizeRoutes(app, core);
  tokenRoutes(app, core);
  signOutRoutes(app, core);
}
