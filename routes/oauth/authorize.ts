import { createHash } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Account } from "../../src/accounts/account.repository.ts";
import { OOB } from "../../src/auth/application.service.ts";
import { AuthorizationError, type AuthorizationRequest } from "../../src/auth/authorization.service.ts";
import { SESSION_TTL_SECONDS } from "../../src/auth/web-session.service.ts";
import type { Core } from "../../src/core.ts";
import { authorizePage, codePage, errorPage } from "./authorize.page.ts";
import { FORM_TTL_MS, formNonce, SESSION_COOKIE, sendPage, sentByThisBrowser } from "./browser.ts";
import { readCookie, setCookie } from "./cookies.ts";
import { signOutToken } from "./sign-out.ts";
import { credentialsOf } from "./credentials.ts";
import { isTruthy } from "../booleans.ts";
import { bodyParams } from "../nested-params.ts";

// GET /oauth/authorize shows the app, the scopes it asks for and either the
// signed-in user or a sign-in form; POST /oauth/authorize signs in and
// approves (or denies) and sends the browser back to the app with a code.
// A signed-in browser is offered a sign-out button (routes/oauth/sign-out.ts).
const PARAMS = ["response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method"] as const;

type Params = Record<(typeof PARAMS)[number], string>;

function paramsOf(source: unknown): Params {
  const raw = (source ?? {}) as Record<string, unknown>;
  return Object.fromEntries(PARAMS.map((k) => [k, typeof raw[k] === "string" ? (raw[k] as string) : ""])) as Params;
}

const digest = (params: Params) => createHash("sha256").update(JSON.stringify(PARAMS.map((k) => params[k]))).digest("base64url");

function redirectWith(reply: FastifyReply, uri: string, values: Record<string, string | null>) {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(values)) if (v !== null) url.searchParams.set(k, v);
  return reply.header("cache-control", "no-store").redirect(url.href, 303);
}

function sendError(reply: FastifyReply, error: AuthorizationError) {
  if (error.redirectUri) return redirectWith(reply, error.redirectUri, { error: error.error, error_description: error.message, state: error.state });
  return sendPage(reply, 400, errorPage("Authorization failed", `${error.message} (${error.error})`));
}

/** The checked authorization request, or the error to show or send back to the app. */
async function validated(core: Core, params: Parameters<Core["authorization"]["validate"]>[0]): Promise<AuthorizationRequest | AuthorizationError> {
  try {
    return await core.authorization.validate(params);
  } catch (error) {
    if (error instanceof AuthorizationError) return error;
    throw error;
  }
}

export function authorizeRoutes(app: FastifyInstance, core: Core) {
  const origin = core.urls.origin;

  const sessionAccount = (request: FastifyRequest) => core.webSessions.account(readCookie(request, SESSION_COOKIE));

  async function showForm(request: FastifyRequest, reply: FastifyReply, req: AuthorizationRequest, params: Params, options: { account: Account | null; login?: string; error?: string; status?: number }) {
    const nonce = formNonce(request, reply, origin);
    const formToken = await core.signer.sign("authorize-form", [nonce, digest(params)], FORM_TTL_MS);
    const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v));
    const here = `/oauth/authorize?${query}`;
    query.set("force_login", "true");
    return sendPage(
      reply,
      options.status ?? 200,
      authorizePage({
        instance: core.config.domain,
        appName: req.application.name,
        appWebsite: req.application.website,
        scopes: req.scopes,
        username: options.account?.username ?? null,
        login: options.login ?? "",
        error: options.error ?? null,
        hidden: { ...Object.fromEntries(Object.entries(params).filter(([, v]) => v)), form_token: formToken },
        switchAccountUrl: `/oauth/authorize?${query}`,
        signOut: options.account ? { token: await signOutToken(core, nonce), returnTo: here } : null,
      }),
    );
  }

  app.get("/oauth/authorize", async (request, reply) => {
    const params = paramsOf(request.query);
    const req = await validated(core, params);
    if (req instanceof AuthorizationError) return sendError(reply, req);
    const forceLogin = isTruthy((request.query as Record<string, unknown>).force_login);
    return showForm(request, reply, req, params, { account: forceLogin ? null : await sessionAccount(request) });
  });

  app.post("/oauth/authorize", async (request, reply) => {
    const body = bodyParams(request);
    const params = paramsOf(body);
    const token = await core.signer.verify("authorize-form", typeof body.form_token === "string" ? body.form_token : undefined);
    if (!sentByThisBrowser(request, token) || token![1] !== digest(params)) {
      return sendPage(reply, 403, errorPage("Please try again", "This form has expired or was not sent from this server's page. Go back to the app and start signing in again."));
    }

    const req = await validated(core, params);
    if (req instanceof AuthorizationError) return sendError(reply, req);

    if (body.decision !== "approve") {
      return sendError(reply, new AuthorizationError("access_denied", "The user denied the request.", req.redirectUri, req.state));
    }

    let account: Account | null;
    const credentials = credentialsOf(body);
    if (credentials) {
      const result = await core.signIn.signIn(credentials.login, credentials.password);
      if (!result.ok) return showForm(request, reply, req, params, { account: null, login: credentials.login, error: result.message, status: 401 });
      account = result.account;
      setCookie(reply, origin, SESSION_COOKIE, await core.webSessions.start(account), SESSION_TTL_SECONDS);
    } else {
      account = await sessionAccount(request);
      if (!account) return showForm(request, reply, req, params, { account: null, error: "Please sign in.", status: 401 });
    }

    const code = await core.authorization.issueCode(req, account.id);
    if (req.redirectUri !== OOB) return redirectWith(reply, req.redirectUri, { code, state: req.state });
    return sendPage(reply, 200, codePage(req.application.name, code));
  });
}
