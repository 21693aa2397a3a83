import type { FastifyInstance } from "fastify";
import { requireScope } from "../../src/auth/token.service.ts";
import type { Core } from "../../src/core.ts";
import { KithError } from "../../src/errors.ts";
import { RegistrationError } from "../../src/registration/registration.service.ts";
import { principalOf } from "../auth.ts";
import { bodyParams } from "../nested-params.ts";
import { serializeToken } from "../oauth/token-entity.ts";

export function registrationRoutes(app: FastifyInstance, core: Core) {
  // Any token with write:accounts may sign someone up, usually the app's own
  // client-credentials token (Mastodon's rule). The body alone: it holds a password.
  app.post("/api/v1/accounts", async (request, reply) => {
    const principal = await principalOf(core, request);
    if (!principal) throw new KithError(401, "The access token is invalid");
    requireScope(principal.scopes, "write:accounts");
    try {
      const { token } = await core.registration.register(bodyParams(request), principal);
      return serializeToken(token);
    } catch (error) {
      if (error instanceof RegistrationError) return reply.status(422).send({ error: error.publicMessage, details: error.details });
      throw error;
    }
  });
}
