import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Core } from "../../src/core.ts";
import { REPLIES_POLICIES } from "../../src/lists/list.service.ts";
import { requireUser } from "../auth.ts";
import { requestParams } from "../nested-params.ts";
import { idList, linkHeader, pageOf, pathId } from "../params.ts";
import { serializeAccount } from "../serializers/account.ts";
import { serializeList } from "../serializers/list.ts";
import { flag, flagOr } from "../booleans.ts";

const title = z.string({ error: "Title can't be blank" }).trim().min(1, "Title can't be blank").max(255, "Title is too long");
const listBody = z.object({ title, replies_policy: z.enum(REPLIES_POLICIES).default("list"), exclusive: flagOr(false) });
const listChanges = z.object({ title: title.optional(), replies_policy: z.enum(REPLIES_POLICIES).optional(), exclusive: flag });

/** account_ids[] from the body (any encoding) or the query string, as some apps send it. */
const accountIds = (request: FastifyRequest): bigint[] => idList(requestParams(request), "account_ids");

export function listRoutes(app: FastifyInstance, core: Core) {
  app.get("/api/v1/lists", async (request) => {
    const me = await requireUser(core, request, "read:lists");
    return (await core.lists.all(me.id)).map(serializeList);
  });

  app.post("/api/v1/lists", async (request) => {
    const me = await requireUser(core, request, "write:lists");
    const body = listBody.parse(requestParams(request));
    return serializeList(await core.lists.create(me.id, { title: body.title, repliesPolicy: body.replies_policy, exclusive: body.exclusive }));
  });

  app.get("/api/v1/lists/:id", async (request) => {
    const me = await requireUser(core, request, "read:lists");
    return serializeList(await core.lists.get(me.id, pathId(request)));
  });

  app.put("/api/v1/lists/:id", async (request) => {
    const me = await requireUser(core, request, "write:lists");
    const id = pathId(request);
    const body = listChanges.parse(requestParams(request));
    return serializeList(await core.lists.update(me.id, id, { title: body.title, repliesPolicy: body.replies_policy, exclusive: body.exclusive }));
  });

  app.delete("/api/v1/lists/:id", async (request) => {
    const me = await requireUser(core, request, "write:lists");
    await core.lists.delete(me.id, pathId(request));
    return {};
  });

  app.get("/api/v1/lists/:id/accounts", async (request, reply) => {
    const me = await requireUser(core, request, "read:lists");
    const id = pathId(request);
    // limit=0 lists every member, as on Mastodon.
    const all = (request.query as Record<string, unknown>)?.limit === "0";
    const range = all ? { limit: 0 } : pageOf(request);
    const accounts = await core.lists.members(me.id, id, range);
    if (!all) linkHeader(reply, request, core.urls.origin, accounts);
    return accounts.map((a) => serializeAccount(core, a));
  });

  app.post("/api/v1/lists/:id/accounts", async (request) => {
    const me = await requireUser(core, request, "write:lists");
    await core.lists.addMembers(me.id, pathId(request), accountIds(request));
    return {};
  });

  app.delete("/api/v1/lists/:id/accounts", async (request) => {
    const me = await requireUser(core, request, "write:lists");
    await core.lists.removeMembers(me.id, pathId(request), accountIds(request));
    return {};
  });

  app.get("/api/v1/accounts/:id/lists", async (request) => {
    const me = await requireUser(core, request, "read:lists");
    const account = await core.accounts.get(pathId(request));
    return (await core.lists.containing(me.id, account.id)).map(serializeList);
  });
}
