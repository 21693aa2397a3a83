import { randomBytes } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { readCookie, setCookie } from "./cookies.ts";

// What the browser pages of OAuth share (the authorization form and the
// sign-out button): their cookies, the nonce their forms are bound to, and
// how a page is sent.
//
// Forgery: each form carries a token signed by the server over a random
// nonce kept in a SameSite cookie (and, for the authorization form, over the
// request's parameters). A page on another site can neither read the token
// nor make the browser send the cookie with its POST.

export const CSRF_COOKIE = "kith_csrf";
export const SESSION_COOKIE = "kith_session";
export const FORM_TTL_MS = 30 * 60 * 1000;

/** The browser's form nonce, given it now if it has none. */
export function formNonce(request: FastifyRequest, reply: FastifyReply, origin: string): string {
  const nonce = readCookie(request, CSRF_COOKIE);
  if (nonce && /^[\w-]{22,64}$/.test(nonce)) return nonce;
  const fresh = randomBytes(16).toString("base64url");
  setCookie(reply, origin, CSRF_COOKIE, fresh);
  return fresh;
}

/** Whether a verified form token was made for this browser: its first value is the browser's nonce. */
export function sentByThisBrowser(request: FastifyRequest, token: string[] | null): boolean {
  const nonce = readCookie(request, CSRF_COOKIE);
  return Boolean(token && nonce && token[0] === nonce);
}

export function sendPage(reply: FastifyReply, status: number, html: string) {
  return reply
    .status(status)
    .header("cache-control", "no-store")
    .header("x-frame-options", "DENY")
    .header("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'")
    .header("referrer-policy", "no-referrer")
    .type("text/html; charset=utf-8")
    .send(html);
}
