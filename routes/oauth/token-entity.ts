import type { IssuedToken } from "../../src/auth/token.service.ts";

/** Mastodon's Token entity (and RFC 6749 5.1's response). */
export function serializeToken(token: IssuedToken) {
  return {
    access_token: token.accessToken,
    token_type: "Bearer",
    scope: token.scopes.join(" "),
    created_at: Math.floor(token.createdAt.getTime() / 1000),
    ...(token.refreshToken ? { refresh_token: token.refreshToken } : {}),
    ...(token.expiresAt ? { expires_in: Math.max(0, Math.floor((token.expiresAt.getTime() - Date.now()) / 1000)) } : {}),
  };
}
