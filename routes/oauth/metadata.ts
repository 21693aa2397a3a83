import type { FastifyInstance } from "fastify";
import { SCOPES } from "../../src/auth/scopes.ts";
import type { Core } from "../../src/core.ts";

/** RFC 8414 authorization server metadata, in the shape Mastodon 4.3 serves. */
export function oauthMetadataRoutes(app: FastifyInstance, core: Core) {
  const origin = core.urls.origin;
  app.get("/.well-known/oauth-authorization-server", async () => ({
    issuer: `${origin}/`,
    service_documentation: "https://docs.joinmastodon.org/",
    authorization_endpoint: `${origin}/oauth/authorize`,
    token_endpoint: `${origin}/oauth/token`,
    app_registration_endpoint: `${origin}/api/v1/apps`,
    revocation_endpoint: `${origin}/oauth/revoke`,
    scopes_supported: SCOPES,
    response_types_supported: ["code"],
    response_modes_supported: ["query"],
    grant_types_supported: ["authorization_code", "client_credentials", "refresh_token"],
    code_challenge_methods_supported: ["S256"],
    token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
  }));
}
