import type { FastifyRequest } from "fastify";
import type { Account } from "../src/accounts/account.repository.ts";
import { requireScope, type Principal } from "../src/auth/token.service.ts";
import type { Core } from "../src/core.ts";
import { KithError } from "../src/errors.ts";

const principals = new WeakMap<FastifyRequest, Principal | null>();

/** The bearer token the request carries, if any. */
export function bearer(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return m?.[1] ?? null;
}

export async function principalOf(core: Core, request: FastifyRequest): Promise<Principal | null> {
  if (principals.has(request)) return principals.get(request)!;
  const token = bearer(request);
  const principal = token ? await core.tokens.authenticate(token) : null;
  if (token && !principal) throw new KithError(401, "The access token is invalid");
  principals.set(request, principal);
  return principal;
}

/** The signed-in user, with the scope the endpoint needs (401 without a token, 403 without the scope). */
export async function requireUser(core: Core, request: FastifyRequest, scope: string): Promise<Account> {
  const principal = await principalOf(core, request);
  if (!principal) throw new KithError(401, "The access token is invalid");
  requireScope(principal.scopes, scope);
  if (principal.account === null) throw new KithError(422, "This method requires an authenticated user");
  return principal.account;
}

/** The viewer, if any: public endpoints serve anonymous readers too. */
export async function optionalUser(core: Core, request: FastifyRequest, scope = "read"): Promise<Account | null> {
  const principal = await principalOf(core, request);
  if (!principal?.account) return null;
  requireScope(principal.scopes, scope);
  return principal.account;
}
