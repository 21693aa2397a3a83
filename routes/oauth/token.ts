import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { OAuthError } from "../../src/auth/oauth-token.service.ts";
import type { Core } from "../../src/core.ts";
import { bodyParams } from "../nested-params.ts";
import { serializeToken } from "./token-entity.ts";

// POST /oauth/token and POST /oauth/revoke. Parameters come from the body,
// in any encoding (JSON, form, multipart), never from the query string, where
// secrets would end up in logs (RFC 6749 2.3.1). Errors are RFC 6749's
// {error, error_description}, not the API's {error}.

/** Client credentials from HTTP Basic (RFC 6749 2.3.1: form-encoded, then base64) or the body. */
function clientCredentials(request: FastifyRequest, body: Record<string, unknown>): { id: string; secret: string } {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(request.headers.authorization ?? "");
  if (m) {
    const decoded = Buffer.from(m[1]!, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon >= 0) {
      const unform = (s: string) => decodeURIComponent(s.replace(/\+/g, " "));
      try {
        return { id: unform(decoded.slice(0, colon)), secret: unform(decoded.slice(colon + 1)) };
      } catch {
        return { id: "", secret: "" };
      }
    }
  }
  const text = (v: unknown) => (typeof v === "string" ? v : "");
  return { id: text(body.client_id), secret: text(body.client_secret) };
}

function sendOAuthError(reply: FastifyReply, error: OAuthError) {
  if (error.status === 401) reply.header("www-authenticate", 'Basic realm="Kith"');
  return reply.status(error.status).header("cache-control", "no-store").send({ error: error.error, error_description: error.message });
}

export function tokenRoutes(app: FastifyInstance, core: Core) {
  app.post("/oauth/token", async (request, reply) => {
    try {
      const token = await core.oauthTokens.grant({ body: bodyParams(request), authorization: request.headers.authorization });
      return reply.header("cache-control", "no-store").header("pragma", "no-cache").send(serializeToken(token));
    } catch (error) {
      if (error instanceof OAuthError) return sendOAuthError(reply, error);
      throw error;
    }
  });

  app.post("/oauth/revoke", async (request, reply) => {
    const body = bodyParams(request);
    const client = clientCredentials(request, body);
    try {
      await core.oauthTokens.revoke(client.id, client.secret, typeof body.token === "string" ? body.token : "");
      return reply.send({});
    } catch (error) {
      if (error instanceof OAuthError) return sendOAuthError(reply, error);
      throw error;
    }
  });
}
