import { randomBytes } from "node:crypto";
import type { OAuthApplication } from "./application.repository.ts";
import { OOB, type ApplicationService } from "./application.service.ts";
import type { AuthorizationCodeRepository } from "./authorization-code.repository.ts";
import { DEFAULT_REQUEST_SCOPES, parseScopes, withinScopes } from "./scopes.ts";
import { hashSecret } from "./token.service.ts";

// The authorization request of the code flow (RFC 6749 4.1.1, PKCE RFC 7636
// 4.3) and the one-time codes it ends in. A request whose client or
// redirect URI is wrong is answered on the page, never by a redirect: the
// URI may not be the app's (4.1.2.1). Once both are known good, errors go
// back to the app, as RFC 6749 says.

export const CODE_LIFETIME_MS = 10 * 60 * 1000;

const CODE_CHALLENGE = /^[A-Za-z0-9\-._~]{43,128}$/;

export type AuthorizationRequest = {
  application: OAuthApplication;
  redirectUri: string;
  scopes: string[];
  state: string | null;
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
};

export class AuthorizationError extends Error {
  readonly error: string;
  /** Where to send the error, or null to show it on the page. */
  readonly redirectUri: string | null;
  readonly state: string | null;

  constructor(error: string, description: string, redirectUri: string | null = null, state: string | null = null) {
    super(description);
    this.error = error;
    this.redirectUri = redirectUri === OOB ? null : redirectUri;
    this.state = state;
  }
}

const text = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);

export class AuthorizationService {
  private readonly apps: ApplicationService;
  private readonly codes: AuthorizationCodeRepository;
  private readonly now: () => Date;

  constructor(apps: ApplicationService, codes: AuthorizationCodeRepository, now: () => Date = () => new Date()) {
    this.apps = apps;
    this.codes = codes;
    this.now = now;
  }

  /** Checks an authorization request's parameters (query or form), or throws an AuthorizationError. */
  async validate(params: Record<string, unknown>): Promise<AuthorizationRequest> {
    const clientId = text(params.client_id);
    if (!clientId) throw new AuthorizationError("invalid_request", "The client_id parameter is missing.");
    const application = await this.apps.findByClientId(clientId);
    if (!application) throw new AuthorizationError("invalid_client", "No application is registered with this client_id.");

    const requested = text(params.redirect_uri);
    const redirectUri = requested ?? (application.redirectUris.length === 1 ? application.redirectUris[0]! : null);
    if (!redirectUri) throw new AuthorizationError("invalid_request", "The redirect_uri parameter is missing.");
    if (!application.redirectUris.includes(redirectUri)) {
      throw new AuthorizationError("invalid_request", "The redirect_uri is not one the application registered.");
    }

    const state = text(params.state);
    const fail = (error: string, description: string) => new AuthorizationError(error, description, redirectUri, state);

    if (params.response_type !== "code") throw fail("unsupported_response_type", "Only response_type=code is supported.");

    const scope = text(params.scope);
    const parsed = scope ? parseScopes(scope) : { scopes: DEFAULT_REQUEST_SCOPES };
    if ("unknown" in parsed) throw fail("invalid_scope", `The scope ${parsed.unknown} is unknown.`);
    if (!parsed.scopes.length || !withinScopes(parsed.scopes, application.scopes)) {
      throw fail("invalid_scope", "The requested scope is not one the application registered.");
    }

    const codeChallenge = text(params.code_challenge);
    const method = text(params.code_challenge_method);
    if (method && !codeChallenge) throw fail("invalid_request", "code_challenge_method was given without a code_challenge.");
    if (codeChallenge) {
      if ((method ?? "plain") !== "S256") throw fail("invalid_request", "Only code_challenge_method=S256 is supported.");
      if (!CODE_CHALLENGE.test(codeChallenge)) throw fail("invalid_request", "The code_challenge is malformed.");
    }

    return { application, redirectUri, scopes: parsed.scopes, state, codeChallenge, codeChallengeMethod: codeChallenge ? "S256" : null };
  }

  /** A one-time code for the signed-in account that approved the request. */
  async issueCode(request: AuthorizationRequest, accountId: bigint): Promise<string> {
    const code = randomBytes(32).toString("base64url");
    await this.codes.create({
      codeHash: hashSecret(code),
      applicationId: request.application.id,
      accountId,
      redirectUri: request.redirectUri,
      scopes: request.scopes,
      codeChallenge: request.codeChallenge,
      codeChallengeMethod: request.codeChallengeMethod,
      expiresAt: new Date(this.now().getTime() + CODE_LIFETIME_MS),
    });
    return code;
  }
}
