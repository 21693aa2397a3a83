import type { FastifyReply, FastifyRequest } from "fastify";

// The two cookies of the browser side of OAuth (the form nonce and the
// sign-in session), both HttpOnly and SameSite=Lax: a cross-site POST carries
// neither, so it can neither pass a form check nor act as a signed-in user.
// Their path is the whole site, as /oauth/authorize and /auth/sign_out both
// need them; nothing else reads them.

export function readCookie(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

export function setCookie(reply: FastifyReply, origin: string, name: string, value: string, maxAgeSeconds?: number) {
  const attributes = ["Path=/", "HttpOnly", "SameSite=Lax"];
  if (origin.startsWith("https:")) attributes.push("Secure");
  if (maxAgeSeconds !== undefined) attributes.push(`Max-Age=${maxAgeSeconds}`);
  const previous = reply.getHeader("set-cookie");
  const list = Array.isArray(previous) ? previous : previous ? [String(previous)] : [];
  reply.header("set-cookie", [...list, `${name}=${encodeURIComponent(value)}; ${attributes.join("; ")}`]);
}

/** Tells the browser to forget the cookie. */
export function clearCookie(reply: FastifyReply, origin: string, name: string) {
  setCookie(reply, origin, name, "", 0);
}
