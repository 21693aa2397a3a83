import type { FastifyReply, FastifyRequest } from "fastify";
import type { Core } from "../src/core.ts";
import { parseId } from "../src/ids.ts";
import { profilePage, statusPage } from "./web/public-pages.ts";
import { sendHtml } from "./web/views.ts";

// The pages a browser gets for an actor or a post URL (ActivityPub clients
// get JSON for the same URLs, from the federation door).

export function htmlPages(core: Core) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const path = new URL(request.url, core.urls.origin).pathname;
    if (request.method === "GET" && !path.startsWith("/api/")) {
      const m = /^\/(?:users\/|@)([A-Za-z0-9_]+)(?:\/(?:statuses\/)?(\d+))?\/?$/.exec(path);
      const account = m ? await core.accounts.getLocalByUsername(m[1]!) : null;
      if (account && !m![2]) return profilePage(core, request, reply, account);
      const id = m?.[2] ? parseId(m[2]) : null;
      const status = account && id !== null ? await core.statuses.findById(id) : null;
      if (status && status.accountId === account!.id && !status.reblogOfId && (status.visibility === "public" || status.visibility === "unlisted")) {
        return statusPage(core, reply, account!, status);
      }
    }
    if (request.method === "GET" && /text\/html/.test(request.headers.accept ?? "")) {
      return sendHtml(core, reply, "Not found", `<h1>Not found</h1><p>There is nothing at this address. <a href="/">Back to the front page</a>.</p>`, 404);
    }
    return reply.status(404).send({ error: "Record not found" });
  };
}
