import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Core } from "../../src/core.ts";
import { FILTER_ACTIONS, FILTER_CONTEXTS } from "../../src/filters/filter.service.ts";
import type { KeywordChange } from "../../src/filters/filter.repository.ts";
import { unprocessable } from "../../src/errors.ts";
import { requireUser } from "../auth.ts";
import { asArray, requestParams } from "../nested-params.ts";
import { idString, pathId } from "../params.ts";
import { serializeFilter, serializeFilterStatus, serializeKeyword } from "../serializers/filter.ts";
import { flag, flagOr } from "../booleans.ts";

// Mastodon's filters API v2: filters with keywords and statuses, each also
// reachable on its own. Filters are applied by serializeTimeline.

export const keyword = z.string().trim().min(1, "Keyword can't be blank").max(512, "Keyword is too long");
export const context = z.preprocess(asArray, z.array(z.enum(FILTER_CONTEXTS)).min(1, "Context can't be blank"));
/** Seconds from now; "" or null means never, as Mastodon apps send it. */
export const expiresIn = z.preprocess((v) => (v === "" ? null : v), z.coerce.number().int().min(1, "expires_in must be positive").nullable());
const keywordAttributes = z.preprocess(
  asArray,
  z.array(
    z.object({
      id: idString().optional(),
      keyword: keyword.optional(),
      whole_word: flag,
      _destroy: flag,
    }),
  ),
);

const createBody = z.object({
  title: z.string({ error: "Title can't be blank" }).trim().min(1, "Title can't be blank").max(256, "Title is too long"),
  context,
  filter_action: z.enum(FILTER_ACTIONS).default("warn"),
  expires_in: expiresIn.optional(),
  keywords_attributes: keywordAttributes.optional(),
});
const updateBody = createBody.partial().extend({ filter_action: z.enum(FILTER_ACTIONS).optional() });
const keywordBody = z.object({ keyword, whole_word: flagOr(true) });
const keywordUpdate = z.object({ keyword: keyword.optional(), whole_word: flag });
const statusBody = z.object({ status_id: idString("status_id must be a numeric id") });

export const expiry = (seconds: number | null | undefined) => (seconds === undefined ? undefined : seconds === null ? null : new Date(Date.now() + seconds * 1000));

function keywordChanges(list: z.infer<typeof keywordAttributes> | undefined): KeywordChange[] {
  return (list ?? []).map((k) => {
    if (k.id === undefined) {
      if (k.keyword === undefined) throw unprocessable("Validation failed: Keyword can't be blank");
      return { keyword: k.keyword, wholeWord: k.whole_word ?? true };
    }
    return { id: k.id, keyword: k.keyword, wholeWord: k.whole_word, destroy: k._destroy };
  });
}

export function filterRoutes(app: FastifyInstance, core: Core) {
  app.get("/api/v2/filters", async (request) => {
    const me = await requireUser(core, request, "read:filters");
    return (await core.filters.all(me.id)).map(serializeFilter);
  });

  app.post("/api/v2/filters", async (request) => {
    const me = await requireUser(core, request, "write:filters");
    const body = createBody.parse(requestParams(request));
    const changes = keywordChanges(body.keywords_attributes);
    if (changes.some((c) => c.id !== undefined)) throw unprocessable("Validation failed: a new filter has no keywords to change");
    const filter = await core.filters.create(
      me.id,
      { title: body.title, context: body.context, action: body.filter_action, expiresAt: expiry(body.expires_in) ?? null },
      changes as { keyword: string; wholeWord: boolean }[],
    );
    return serializeFilter(filter);
  });

  app.get("/api/v2/filters/:id", async (request) => {
    const me = await requireUser(core, request, "read:filters");
    return serializeFilter(await core.filters.get(me.id, pathId(request)));
  });

  app.put("/api/v2/filters/:id", async (request) => {
    const me = await requireUser(core, request, "write:filters");
    const id = pathId(request);
    const body = updateBody.parse(requestParams(request));
    const filter = await core.filters.update(
      me.id,
      id,
      { title: body.title, context: body.context, action: body.filter_action, expiresAt: expiry(body.expires_in) },
      keywordChanges(body.keywords_attributes),
    );
    return serializeFilter(filter);
  });

  app.delete("/api/v2/filters/:id", async (request) => {
    const me = await requireUser(core, request, "write:filters");
    await core.filters.delete(me.id, pathId(request));
    return {};
  });

  app.get("/api/v2/filters/:id/keywords", async (request) => {
    const me = await requireUser(core, request, "read:filters");
    return (await core.filters.keywords(me.id, pathId(request))).map(serializeKeyword);
  });

  app.post("/api/v2/filters/:id/keywords", async (request) => {
    const me = await requireUser(core, request, "write:filters");
    const id = pathId(request);
    const body = keywordBody.parse(requestParams(request));
    return serializeKeyword(await core.filters.addKeyword(me.id, id, { keyword: body.keyword, wholeWord: body.whole_word }));
  });

  app.get("/api/v2/filters/keywords/:id", async (request) => {
    const me = await requireUser(core, request, "read:filters");
    return serializeKeyword(await core.filters.getKeyword(me.id, pathId(request)));
  });

  app.put("/api/v2/filters/keywords/:id", async (request) => {
    const me = await requireUser(core, request, "write:filters");
    const id = pathId(request);
    const body = keywordUpdate.parse(requestParams(request));
    return serializeKeyword(await core.filters.updateKeyword(me.id, id, { keyword: body.keyword, wholeWord: body.whole_word }));
  });

  app.delete("/api/v2/filters/keywords/:id", async (request) => {
    const me = await requireUser(core, request, "write:filters");
    await core.filters.deleteKeyword(me.id, pathId(request));
    return {};
  });

  app.get("/api/v2/filters/:id/statuses", async (request) => {
    const me = await requireUser(core, request, "read:filters");
    return (await core.filters.statusFilters(me.id, pathId(request))).map(serializeFilterStatus);
  });

  app.post("/api/v2/filters/:id/statuses", async (request) => {
    const me = await requireUser(core, request, "write:filters");
    const id = pathId(request);
    const body = statusBody.parse(requestParams(request));
    return serializeFilterStatus(await core.filters.addStatus(me.id, id, body.status_id));
  });

  app.get("/api/v2/filters/statuses/:id", async (request) => {
    const me = await requireUser(core, request, "read:filters");
    return serializeFilterStatus(await core.filters.getStatusFilter(me.id, pathId(request)));
  });

  app.delete("/api/v2/filters/statuses/:id", async (request) => {
    const me = await requireUser(core, request, "write:filters");
    await core.filters.deleteStatus(me.id, pathId(request));
    return {};
  });
}
