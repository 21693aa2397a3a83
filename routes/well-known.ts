import type { FastifyInstance } from "fastify";
import type { Core } from "../src/core.ts";

export function wellKnownRoutes(app: FastifyInstance, core: Core) {
  const template = `${core.urls.origin}/.well-known/webfinger?resource={uri}`;
  app.get("/.well-known/host-meta", async (_request, reply) =>
    reply
      .type("application/xrd+xml; charset=utf-8")
      .send(`<?xml version="1.0" encoding="UTF-8"?>\n<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n  <Link rel="lrdd" template="${template}"/>\n</XRD>\n`),
  );
  app.get("/.well-known/host-meta.json", async () => ({ links: [{ rel: "lrdd", template }] }));
  app.get("/health", async () => {
    await core.instance.ping();
    return { status: "ok" };
  });
}
