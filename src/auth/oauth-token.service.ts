import type OAuth2Server from "@node-oauth/oauth2-server";
import type { OAuthApplication } from "./application.repository.ts";
import type { ApplicationService } from "./application.service.ts";
import type { AuthorizationCodeRepository } from "./authorization-code.repository.ts";
import { DEFAULT_REQUEST_SCOPES, parseScopes, withinScopes } from "./scopes.ts";
import { hashSecret, type IssuedToken, type TokenService } from "./token.service.ts";

// The token endpoint (RFC 6749 section 4.1.3, 4.4, 6; PKCE RFC 7636 4.6) and
// revocation (RFC 7009). The grant rules (client authentication by body or
// HTTP Basic, single-use codes consumed before the verifier is checked,
// redirect_uri matching, refresh rotation) are @node-oauth/oauth2-server's;
// this file is its model over our repositories. The password grant is not
// offered: like any grant not in GRANTS, it is an unsupported grant type.

const GRANTS = ["authorization_code", "client_credentials", "refresh_token"];

type Client = OAuth2Server.Client & { application: OAuthApplication };
type User = { accountId: bigint | null };
// What the token endpoint uses. Issuing codes (AuthorizationService) and
// authenticating bearer tokens (TokenService) are done outside the library.
type TokenEndpointModel = Omit<OAuth2Server.AuthorizationCodeModel & OAuth2Server.ClientCredentialsModel & OAuth2Server.RefreshTokenModel, "saveAuthorizationCode" | "getAccessToken">;

export class OAuthError extends Error {
  readonly status: number;
  readonly error: string;

  constructor(status: number, error: string, description: string) {
    super(description);
    this.status = status;
    this.error = error;
  }
}

export type TokenRequest = { body: Record<string, unknown>; authorization?: string };

type Library = typeof OAuth2Server;

export class OAuthTokenService {
  // The library (~1 MB with the MIME database it pulls in) is imported on the
  // first token request rather than at start-up, and its server made then.
  private readonly server: () => Promise<{ library: Library; server: OAuth2Server }>;
  private readonly apps: ApplicationService;
  private readonly tokens: TokenService;

  constructor(apps: ApplicationService, codes: AuthorizationCodeRepository, tokens: TokenService, now: () => Date = () => new Date()) {
    this.apps = apps;
    this.tokens = tokens;
    const client = (application: OAuthApplication): Client => ({ id: String(application.id), grants: GRANTS, redirectUris: application.redirectUris, application });
    const model: TokenEndpointModel = {
      async getClient(clientId, clientSecret) {
        // Every Mastodon app is a confidential client: PKCE adds to its secret, never replaces it.
        if (!clientSecret) return null;
        const application = await apps.authenticateClient(clientId, clientSecret);
        return application && client(application);
      },
      async getAuthorizationCode(code) {
        const row = await codes.findUnused(hashSecret(code));
        if (!row) return null;
        return {
          id: row.id,
          authorizationCode: code,
          expiresAt: row.expiresAt,
          redirectUri: row.redirectUri,
          scope: row.scopes,
          client: { id: String(row.applicationId), grants: GRANTS },
          user: { accountId: row.accountId } satisfies User,
          codeChallenge: row.codeChallenge ?? undefined,
          codeChallengeMethod: row.codeChallengeMethod ?? undefined,
        };
      },
      revokeAuthorizationCode: (code) => codes.consume(code.id as bigint, now()),
      getUserFromClient: async () => ({ accountId: null }) satisfies User,
      async getRefreshToken(refreshToken) {
        const row = await tokens.findByRefreshToken(refreshToken);
        if (!row?.application) return null;
        return { refreshToken, scope: row.scopes, client: client(row.application), user: { accountId: row.accountId } satisfies User, tokenId: row.id };
      },
      revokeToken: (token) => tokens.revoke(token.tokenId as bigint),
      async validateScope(_user, client, scope) {
        const requested = scope ?? DEFAULT_REQUEST_SCOPES;
        const known = requested.every((s) => !("unknown" in parseScopes(s)));
        return known && withinScopes(requested, (client as Client).application.scopes) ? requested : false;
      },
      async saveToken(token, client, user) {
        const issued = await tokens.grant({
          accountId: (user as User).accountId,
          applicationId: (client as Client).application.id,
          scopes: token.scope ?? DEFAULT_REQUEST_SCOPES,
          refresh: Boolean(token.refreshToken),
        });
        return { accessToken: issued.accessToken, refreshToken: issued.refreshToken ?? undefined, scope: issued.scopes, client, user, issued };
      },
    };
    let loaded: Promise<{ library: Library; server: OAuth2Server }> | undefined;
    this.server = () =>
      (loaded ??= import("@node-oauth/oauth2-server").then(({ default: library }) => ({
        library,
        // Lifetimes are required by the library; tokens are stored without expiry (Mastodon's behaviour).
        server: new library({ model: model as unknown as OAuth2Server.ServerOptions["model"], accessTokenLifetime: 3600, refreshTokenLifetime: 3600 * 24 * 365 }),
      })));
  }

  /** POST /oauth/token with form or JSON parameters, as Mastodon accepts both. */
  async grant(request: TokenRequest): Promise<IssuedToken> {
    // The library reads only form posts; ours is already parsed, so it is handed over as one.
    const body = Object.fromEntries(Object.entries(request.body).filter((e): e is [string, string] => typeof e[1] === "string"));
    // A grant not offered is refused before the client is looked at (Doorkeeper's order, and
    // RFC 6749 5.2's error), where the library would call the password grant an unauthorized client.
    if (body.grant_type && !GRANTS.includes(body.grant_type)) {
      throw new OAuthError(400, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server.");
    }
    const { library, server } = await this.server();
    const libRequest = new library.Request({
      method: "POST",
      query: {},
      headers: { "content-type": "application/x-www-form-urlencoded", "content-length": "0", ...(request.authorization ? { authorization: request.authorization } : {}) },
      body,
    });
    try {
      const token = await server.token(libRequest, new library.Response());
      return token.issued as IssuedToken;
    } catch (error) {
      if (error instanceof library.OAuthError && error.code < 500) {
        // RFC 6749 5.2: a client that failed to authenticate gets 401.
        const status = error.name === "invalid_client" ? 401 : error.code;
        throw new OAuthError(status, error.name, error.message);
      }
      throw error;
    }
  }

  /**
   * RFC 7009: revokes an access or refresh token of the authenticated client.
   * An unknown token is not an error; another client's token is.
   */
  async revoke(clientId: string, clientSecret: string, token: string): Promise<void> {
    const application = clientId && clientSecret ? await this.apps.authenticateClient(clientId, clientSecret) : null;
    if (!application) throw new OAuthError(401, "invalid_client", "Client authentication failed.");
    if (!token) throw new OAuthError(400, "invalid_request", "The token parameter is missing.");
    const row = await this.tokens.findForRevocation(token);
    if (!row || row.revokedAt) return;
    if (row.applicationId !== application.id) throw new OAuthError(403, "unauthorized_client", "You are not authorized to revoke this token.");
    await this.tokens.revoke(row.id);
  }
}
