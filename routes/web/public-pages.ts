import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Account } from "../../src/accounts/account.repository.ts";
import type { Core } from "../../src/core.ts";
import { parseId } from "../../src/ids.ts";
import type { StatusView } from "../../src/statuses/status.repository.ts";
import { plainText } from "../../src/statuses/sanitize.ts";
import { hashtagParam } from "../params.ts";
import { serializeAccount } from "../serializers/account.ts";
import { serializeStatus, serializeStatuses } from "../serializers/status.ts";
import { REGISTRATION } from "./registration-text.ts";
import { renderPage } from "./views.ts";

// What a visitor without an account sees: the instance's front page, a
// hashtag's public posts, and (through the federation door's content
// negotiation, htmlFallback) a local account's profile and its public posts.

const PAGE = 20;

/** `?max_id=` of an HTML page: older posts, as the API pages them. */
function olderThan(request: FastifyRequest): bigint | undefined {
  return parseId((request.query as Record<string, unknown> | undefined)?.max_id) ?? undefined;
}

/** The link to the next page back in time, when this one was full. */
function olderLink(path: string, statuses: { id: bigint }[]): string | null {
  return statuses.length === PAGE ? `${path}?max_id=${statuses.at(-1)!.id}` : null;
}

/** A post's or bio's text for a page's description: plain, on one line, short. */
const snippet = (html: string) => plainText(html).replace(/\s+/g, " ").trim().slice(0, 200);

export function publicPageRoutes(app: FastifyInstance, core: Core) {
  app.get("/", async (request, reply) => {
    const settings = await core.settings.all();
    const statuses = await core.timelines.public({ maxId: olderThan(request), limit: PAGE }, { local: true }, null);
    return renderPage(
      core,
      reply,
      "./home",
      {
        mode: settings.registrationMode,
        registration: REGISTRATION[settings.registrationMode],
        canJoin: settings.registrationMode === "open" || settings.registrationMode === "approval",
        statuses: await serializeStatuses(core, statuses, null),
        older: olderLink("/", statuses),
      },
      { title: settings.title, description: settings.shortDescription, canonical: `${core.urls.origin}/` },
    );
  });

  app.get("/tags/:tag", async (request, reply) => {
    const tag = hashtagParam(request, "tag");
    const statuses = await core.timelines.tag(tag, {}, {}, { maxId: olderThan(request), limit: PAGE }, null);
    return renderPage(
      core,
      reply,
      "./tag",
      { tag, statuses: await serializeStatuses(core, statuses, null), older: olderLink(`/tags/${encodeURIComponent(tag)}`, statuses) },
      { title: `#${tag}`, canonical: `${core.urls.origin}/tags/${encodeURIComponent(tag)}` },
    );
  });
}

/** A local account's profile page, with its public and unlisted posts, newest first. */
export async function profilePage(core: Core, request: FastifyRequest, reply: FastifyReply, account: Account) {
  // A moved account's page sends browsers on, for good, to where it went (the notice below is for a target not known here).
  const movedTo = account.movedToUri ? await core.accounts.findByUri(account.movedToUri) : null;
  if (movedTo) return reply.redirect(movedTo.url ?? movedTo.uri, 301);
  const statuses = await core.timelines.accountStatuses(account.id, { maxId: olderThan(request), limit: PAGE }, null);
  const entity = serializeAccount(core, account);
  const name = `${entity.display_name || entity.username} (@${entity.username}@${core.config.domain})`;
  return renderPage(
    core,
    reply,
    "./profile",
    { account: entity, moved: account.movedToUri, statuses: await serializeStatuses(core, statuses, null), older: olderLink(new URL(request.url, core.urls.origin).pathname, statuses) },
    { title: name, description: snippet(account.note), canonical: entity.url, alternate: account.uri, image: entity.avatar, ogType: "profile", noindex: !account.discoverable },
  );
}

/** A public or unlisted local post with the thread around it that a visitor may see. */
export async function statusPage(core: Core, reply: FastifyReply, account: Account, status: StatusView) {
  const { ancestors, descendants } = await core.statuses.thread(status, null);
  const [entity, before, after] = await Promise.all([serializeStatus(core, status, null), serializeStatuses(core, ancestors, null), serializeStatuses(core, descendants, null)]);
  const author = account.displayName || account.username;
  return renderPage(
    core,
    reply,
    "./status",
    { status: entity, ancestors: before, descendants: after },
    {
      title: `${author}: ${status.spoilerText || snippet(status.content).slice(0, 60) || "post"}`,
      description: status.spoilerText ? `Content warning: ${status.spoilerText}` : snippet(status.content),
      canonical: status.url ?? status.uri,
      alternate: status.uri,
      image: serializeAccount(core, account).avatar,
      ogType: "article",
      noindex: !account.discoverable,
    },
  );
}
