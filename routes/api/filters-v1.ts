import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Core } from "../../src/core.ts";
import { requireUser } from "../auth.ts";
import { requestParams } from "../nested-params.ts";
import { pathId } from "../params.ts";
import { serializeV1Filter } from "../serializers/filter.ts";
import { context, expiresIn, expiry } from "./filters.ts";
import { flag, flagOr } from "../booleans.ts";

// Mastodon's filters API v1, served as a view of v2 filters (src/filters/filter-v1.service.ts).

/** The phrase is also the filter's title, so it keeps to the title's length. */
const phrase = z.string({ error: "Phrase can't be blank" }).trim().min(1, "Phrase can't be blank").max(256, "Phrase is too long (maximum is 256 characters)");

const createBody = z.object({
  phrase,
  context,
  irreversible: flagOr(false),
  whole_word: flagOr(true),
  expires_in: expiresIn.optional(),
});
const updateBody = z.object({
  phrase: phrase.optional(),
  context: context.optional(),
  irreversible: flag,
  whole_word: flag,
  expires_in: expiresIn.optional(),
});

export function v1FilterRoutes(app: FastifyInstance, core: Core) {
  app.get("/api/v1/filters", async (request) => {
    const me = await requireUser(core, request, "read:filters");
    return (await core.v1Filters.all(me.id)).map(serializeV1Filter);
  });

  app.post("/api/v1/filters", async (request) => {
    const me = await requireUser(core, request, "write:filters");
    const body = createBody.parse(requestParams(request));
    const filter = await core.v1Filters.create(me.id, {
      phrase: body.phrase,
      context: body.context,
      irreversible: body.irreversible,
      wholeWord: body.whole_word,
      expiresAt: expiry(body.expires_in) ?? null,
    });
    return serializeV1Filter(filter);
  });

  app.get("/api/v1/filters/:id", async (request) => {
    const me = await requireUser(core, request, "read:filters");
    return serializeV1Filter(await core.v1Filters.get(me.id, pathId(request)));
  });

  app.put("/api/v1/filters/:id", async (request) => {
    const me = await requireUser(core, request, "write:filters");
    const id = pathId(request);
    const body = updateBody.parse(requestParams(request));
    const filter = await core.v1Filters.update(me.id, id, {
      phrase: body.phrase,
      context: body.context,
      irreversible: body.irreversible,
      wholeWord: body.whole_word,
      expiresAt: expiry(body.expires_in),
    });
    return serializeV1Filter(filter);
  });

  app.delete("/api/v1/filters/:id", async (request) => {
    const me = await requireUser(core, request, "write:filters");
    await core.v1Filters.delete(me.id, pathId(request));
    return {};
  });
}
