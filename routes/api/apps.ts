import type { FastifyInstance } from "fastify";
import type { OAuthApplication } from "../../src/auth/application.repository.ts";
import type { Core } from "../../src/core.ts";
import { KithError, notFound } from "../../src/errors.ts";
import { principalOf } from "../auth.ts";
import { requestParams } from "../nested-params.ts";

/** Mastodon's Application entity; the credentials only in the answer to registration. */
function serializeApplication(app: OAuthApplication, vapidKey: string, credentials?: { clientSecret: string }) {
  return {
    id: String(app.id),
    name: app.name,
    website: app.website,
    scopes: app.scopes,
    redirect_uri: app.redirectUris.join("\n"),
    redirect_uris: app.redirectUris,
    vapid_key: vapidKey,
    ...(credentials ? { client_id: app.clientId, client_secret: credentials.clientSecret, client_secret_expires_at: 0 } : {}),
  };
}

export function appRoutes(app: FastifyInstance, core: Core) {
  app.post("/api/v1/apps", async (request) => {
    const { application, clientSecret } = await core.apps.register(requestParams(request));
    return serializeApplication(application, await core.push.vapid.publicKey(), { clientSecret });
  });

  app.get("/api/v1/apps/verify_credentials", async (request) => {
    const principal = await principalOf(core, request);
    if (!principal) throw new KithError(401, "The access token is invalid");
    // Tokens made by the admin CLI belong to no application.
    if (principal.applicationId === null) throw notFound("Application");
    return serializeApplication(await core.apps.get(principal.applicationId), await core.push.vapid.publicKey());
  });
}
