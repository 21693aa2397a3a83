import type { FastifyReply, FastifyRequest } from "fastify";
import type { Core } from "../src/core.ts";
import { parseId } from "../src/ids.ts";
import { escapeHtml } from "../src/statuses/content.ts";

// The pages a browser gets for an actor or a post URL (ActivityPub clients
// get JSON for the same URLs). Status HTML was sanitised before storage.

/** A plain HTML page: escaped title, the body as given (already safe HTML), no scripts. */
export const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title></head><body><main>${body}</main></body></html>`;

/** Answers with a page (200 unless told otherwise). */
export const sendPage = (reply: FastifyReply, title: string, body: string, status = 200) => reply.status(status).type("text/html; charset=utf-8").send(page(title, body));

export function htmlPages(core: Core) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const path = new URL(request.url, core.urls.origin).pathname;
    if (request.method === "GET" && !path.startsWith("/api/")) {
      const m = /^\/(?:users\/|@)([A-Za-z0-9_]+)(?:\/(?:statuses\/)?(\d+))?\/?$/.exec(path);
      const account = m ? await core.accounts.getLocalByUsername(m[1]!) : null;
      if (account && !m![2]) {
        const title = `${account.displayName || account.username} (@${account.username}@${core.config.domain})`;
        return reply.type("text/html; charset=utf-8").send(page(title, `<h1>${escapeHtml(title)}</h1><div>${account.note}</div>`));
      }
      const id = m?.[2] ? parseId(m[2]) : null;
      const status = account && id !== null ? await core.statuses.findById(id) : null;
      if (status && status.accountId === account!.id && (status.visibility === "public" || status.visibility === "unlisted")) {
        const title = `${account!.displayName || account!.username}: post`;
        const warning = status.spoilerText ? `<p><strong>${escapeHtml(status.spoilerText)}</strong></p>` : "";
        return reply.type("text/html; charset=utf-8").send(page(title, `<article>${warning}${status.content}<footer><time datetime="${status.createdAt.toISOString()}">${status.createdAt.toUTCString()}</time></footer></article>`));
      }
    }
    return reply.status(404).send({ error: "Record not found" });
  };
}
