import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Core } from "../src/core.ts";
import type { KithFederation } from "./federation.ts";
import { refusedByDomainPolicy } from "./inbox/domain-policy.ts";
import type { InboxFastPath } from "./inbox/fast-accept.ts";
import { screenInboxPost } from "./inbox/origin-guard.ts";

// Fedify speaks Web Request/Response; Fastify does not. Everything no Fastify
// route claims (actors, inboxes, collections, notes, WebFinger, NodeInfo)
// reaches Fedify with the exact bytes received, so Digest and signature
// checks hold. Browsers asking for an actor or a post get the HTML page.

export type HtmlFallback = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export function mountFederation(app: FastifyInstance, federation: KithFederation, core: Core, htmlPage: HtmlFallback, fastInbox: InboxFastPath) {
  const origin = core.config.publicUrl.origin;
  app.route({
    method: ["GET", "POST"],
    url: "/*",
    handler: async (request, reply) => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers)) {
        if (Array.isArray(value)) for (const v of value) headers.append(name, v);
        else if (value !== undefined) headers.set(name, String(value));
      }
      // Servers we do not federate with get 403 before any signature work (see domain-policy.ts).
      if (await refusedByDomainPolicy(core, headers, request.method === "POST" ? request.body : undefined)) {
        return reply.status(403).type("text/plain; charset=utf-8").send("This server does not federate with yours.");
      }
      const body = request.method === "POST" ? new Uint8Array(request.rawBody ?? Buffer.alloc(0)) : undefined;
      if (body) {
        const verdict = screenInboxPost(headers, request.body);
        if (verdict.action === "reject") return reply.status(verdict.status).type("text/plain; charset=utf-8").send(verdict.message);
        if (verdict.action === "dropHttpSignature") for (const name of ["signature", "signature-input"]) headers.delete(name);
        else if (await fastInbox.tryAccept({ method: request.method, url: request.url, headers: request.headers, body: request.rawBody ?? Buffer.alloc(0) }, request.body)) {
          return reply.status(202).type("text/plain; charset=utf-8").send("Activity is enqueued.");
        }
      }
      const webRequest = new Request(new URL(request.url, origin), { method: request.method, headers, body });
      let fallback: "html" | "missing" | null = null;
      const response = await federation.fetch(webRequest, {
        contextData: core,
        onNotFound: () => {
          fallback = "missing";
          return new Response(null, { status: 404 });
        },
        onNotAcceptable: () => {
          fallback = "html";
          return new Response(null, { status: 406 });
        },
      });
      if (fallback !== null) return htmlPage(request, reply);
      reply.status(response.status);
      response.headers.forEach((value, name) => {
        if (name !== "content-length" && name !== "transfer-encoding") reply.header(name, value);
      });
      return reply.send(Buffer.from(await response.arrayBuffer()));
    },
  });
}
