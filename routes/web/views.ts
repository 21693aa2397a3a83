import { fileURLToPath } from "node:url";
import { Eta } from "eta";
import type { FastifyReply } from "fastify";
import type { Core } from "../../src/core.ts";
import type { serializeAccount } from "../serializers/account.ts";

// The public HTML pages, rendered on the server from Eta templates in views/
// (escaping by default: `<%= %>` escapes, `<%~ %>` is kept for HTML that was
// sanitised before it was stored). No scripts; images only from this server,
// so a visitor's browser never asks another server for anything.

// Compiled, this module runs one folder deeper, from dist/ (scripts/build.sh).
const root = new URL(import.meta.url.endsWith(".js") ? "../../../" : "../../", import.meta.url);
const eta = new Eta({ views: fileURLToPath(new URL("views/", root)), autoEscape: true, cache: true, autoTrim: false });

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

type AccountEntity = ReturnType<typeof serializeAccount>;

/** What every template may call: images from this server only, handles with their domain, dates. */
export function viewHelpers(core: Core) {
  const local = (url: string | null | undefined) => typeof url === "string" && url.startsWith(`${core.urls.origin}/`);
  return {
    local,
    avatar: (a: AccountEntity) => (local(a.avatar) ? a.avatar : core.urls.missingAvatar()),
    header: (a: AccountEntity) => (local(a.header) ? a.header : core.urls.missingHeader()),
    handle: (a: AccountEntity) => `@${a.acct.includes("@") ? a.acct : `${a.acct}@${core.config.domain}`}`,
    date: (iso: string) => new Date(iso).toUTCString().replace(" GMT", " UTC"),
    count: (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`,
  };
}

export type PageMeta = { title: string; description?: string; canonical?: string; alternate?: string; image?: string; ogType?: string; noindex?: boolean };

/** A page: `template` rendered with `data`, inside the layout. */
export async function renderPage(core: Core, reply: FastifyReply, template: string, data: Record<string, unknown>, meta: PageMeta, status = 200) {
  const instance = await instanceOf(core);
  const body = eta.render(template, { ...data, instance, v: viewHelpers(core) });
  return sendLayout(reply, { ...meta, instance, body }, status);
}

/** A page whose body is already safe HTML (the operator's documents, about, rules). */
export async function sendHtml(core: Core, reply: FastifyReply, title: string, body: string, status = 200) {
  return sendLayout(reply, { title, instance: await instanceOf(core), body }, status);
}

/** What every page says of the instance. */
async function instanceOf(core: Core) {
  const settings = await core.settings.all();
  return { title: settings.title, shortDescription: settings.shortDescription, domain: core.config.domain };
}

function sendLayout(reply: FastifyReply, data: Record<string, unknown>, status: number) {
  return reply.status(status).type("text/html; charset=utf-8").header("content-security-policy", CSP).send(eta.render("./layout", data));
}
