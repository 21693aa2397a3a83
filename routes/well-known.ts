import type { FastifyInstance } from "fastify";
import type { Core } from "../src/core.ts";
import { badRequest, notFound } from "../src/errors.ts";
import { parseAcct } from "../src/accounts/account.service.ts";

export function wellKnownRoutes(app: FastifyInstance, core: Core) {
  const template = `${core.urls.origin}/.well-known/webfinger?resource={uri}`;
  app.get("/.well-known/host-meta", async (_request, reply) =>
    reply
      .type("application/xrd+xml; charset=utf-8")
      .send(`<?xml version="1.0" encoding="UTF-8"?>\n<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n  <Link rel="lrdd" template="${template}"/>\n</XRD>\n`),
  );
  // Served here rather than by Fedify so the subject is always the canonical
  // acct: URI, whatever spelling was asked for (Mastodon does the same, and
  // remote servers re-check handles against it).
  app.get("/.well-known/webfinger", async (request, reply) => {
    const resource = (request.query as { resource?: unknown }).resource;
    if (typeof resource !== "string" || !resource) throw badRequest("The resource parameter is required");
    const account = await localAccountFor(core, resource);
    if (!account) throw notFound("Account");
    const actor = core.urls.actor(account.username);
    return reply
      .type("application/jrd+json; charset=utf-8")
      .send({
        subject: `acct:${account.username}@${core.config.domain}`,
        aliases: [actor, core.urls.profile(account.username)],
        links: [
          { rel: "self", type: "application/activity+json", href: actor },
          { rel: "http://webfinger.net/rel/profile-page", type: "text/html", href: core.urls.profile(account.username) },
        ],
      });
  });

  app.get("/.well-known/host-meta.json", async () => ({ links: [{ rel: "lrdd", template }] }));
  app.get("/health", async () => {
    await core.instance.ping();
    return { status: "ok" };
  });
}

/** acct:user@this-host, or the URL of a local actor or profile. */
async function localAccountFor(core: Core, resource: string) {
  if (/^acct:/i.test(resource)) {
    const parsed = parseAcct(resource.slice(5));
    if (!parsed || (parsed.host !== null && parsed.host !== core.config.domain.toLowerCase())) return null;
    return core.accounts.getLocalByUsername(parsed.username);
  }
  if (!core.urls.isLocal(resource)) return null;
  const m = /^\/(?:users\/|@)([A-Za-z0-9_]+)\/?$/.exec(new URL(resource).pathname);
  return m ? core.accounts.getLocalByUsername(m[1]!) : null;
}
