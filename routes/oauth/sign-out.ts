import type { FastifyInstance } from "fastify";
import type { Core } from "../../src/core.ts";
import { errorPage, page } from "./authorize.page.ts";
import { FORM_TTL_MS, SESSION_COOKIE, sendPage, sentByThisBrowser } from "./browser.ts";
import { clearCookie, readCookie } from "./cookies.ts";
import { bodyParams } from "../nested-params.ts";

// POST /auth/sign_out (Mastodon's path): ends the browser session the
// authorization page signed in, from the button that page shows. Guarded
// like the authorization form: a token bound to the browser's form nonce, so
// another site cannot sign someone out.

/** The sign-out button's token, for the browser holding `nonce`. */
export const signOutToken = (core: Core, nonce: string) => core.signer.sign("sign-out-form", [nonce], FORM_TTL_MS);

/** Back to the authorization page the button was on, and never anywhere else. */
const localAuthorizeUrl = (value: unknown) => (typeof value === "string" && /^\/oauth\/authorize\?[\w%&=.~*+-]*$/.test(value) ? value : null);

export function signOutRoutes(app: FastifyInstance, core: Core) {
  const origin = core.urls.origin;

  app.post("/auth/sign_out", async (request, reply) => {
    const body = bodyParams(request);
    const token = await core.signer.verify("sign-out-form", typeof body.sign_out_token === "string" ? body.sign_out_token : undefined);
    if (!sentByThisBrowser(request, token)) {
      return sendPage(reply, 403, errorPage("Please try again", "This form has expired or was not sent from this server's page."));
    }
    await core.webSessions.end(readCookie(request, SESSION_COOKIE));
    clearCookie(reply, origin, SESSION_COOKIE);
    const back = localAuthorizeUrl(body.return_to);
    if (back) return reply.header("cache-control", "no-store").redirect(back, 303);
    return sendPage(reply, 200, page("Signed out", "<h1>Signed out</h1><p>You have signed out. Go back to the app to sign in again.</p>"));
  });
}
