import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Core } from "../../src/core.ts";
import { parseId } from "../../src/ids.ts";
import { notFound } from "../../src/errors.ts";
import { optionalUser, requireUser } from "../auth.ts";
import { boolish, pathId } from "../params.ts";
import { serializeStatus, serializeStatuses } from "../serializers/status.ts";

const visibility = z.enum(["public", "unlisted", "private", "direct"], { message: "visibility must be public, unlisted, private or direct" });

const createBody = z.object({
  status: z.string().max(100_000).optional(),
  in_reply_to_id: z.string().optional().nullable(),
  sensitive: boolish.optional(),
  spoiler_text: z.string().max(1_000).optional(),
  visibility: visibility.optional(),
  language: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]+)?$/, "language must be an ISO 639 code").optional().nullable(),
});

const editBody = createBody.pick({ status: true, sensitive: true, spoiler_text: true, language: true });

export function statusRoutes(app: FastifyInstance, core: Core) {
  app.post("/api/v1/statuses", async (request) => {
    const me = await requireUser(core, request, "write:statuses");
    const body = createBody.parse(request.body ?? {});
    let inReplyToId: bigint | null = null;
    if (body.in_reply_to_id) {
      inReplyToId = parseId(body.in_reply_to_id);
      if (inReplyToId === null) throw notFound("Record");
    }
    const status = await core.statuses.create(me, {
      text: body.status ?? "",
      visibility: body.visibility,
      inReplyToId,
      spoilerText: body.spoiler_text,
      sensitive: body.sensitive,
      language: body.language,
    });
    return serializeStatus(core, status, me.id);
  });

  app.get("/api/v1/statuses/:id", async (request) => {
    const viewer = await optionalUser(core, request, "read:statuses");
    return serializeStatus(core, await core.statuses.getVisible(pathId(request), viewer?.id ?? null), viewer?.id ?? null);
  });

  app.put("/api/v1/statuses/:id", async (request) => {
    const me = await requireUser(core, request, "write:statuses");
    const body = editBody.parse(request.body ?? {});
    const status = await core.statuses.edit(me, pathId(request), { text: body.status, spoilerText: body.spoiler_text, sensitive: body.sensitive, language: body.language });
    return serializeStatus(core, status, me.id);
  });

  app.delete("/api/v1/statuses/:id", async (request) => {
    const me = await requireUser(core, request, "write:statuses");
    const deleted = await core.statuses.delete(me, pathId(request));
    // Mastodon returns the deleted status with its source text, for "delete and redraft".
    return { ...(await serializeStatus(core, deleted, me.id)), text: deleted.text ?? "" } as Record<string, unknown>;
  });

  app.get("/api/v1/statuses/:id/context", async (request) => {
    const viewer = await optionalUser(core, request, "read:statuses");
    const status = await core.statuses.getVisible(pathId(request), viewer?.id ?? null);
    const ancestors = [];
    for (let parentId = status.inReplyToId, depth = 0; parentId !== null && depth < 40; depth++) {
      const parent = await core.statuses.findById(parentId);
      if (!parent || !(await core.statuses.canSee(parent, viewer?.id ?? null))) break;
      ancestors.unshift(parent);
      parentId = parent.inReplyToId;
    }
    const descendants = [];
    const queue = [status.id];
    while (queue.length && descendants.length < 60) {
      for (const child of await core.statuses.context(queue.shift()!)) {
        if (await core.statuses.canSee(child, viewer?.id ?? null)) {
          descendants.push(child);
          queue.push(child.id);
        }
      }
    }
    return {
      ancestors: await serializeStatuses(core, ancestors, viewer?.id ?? null),
      descendants: await serializeStatuses(core, descendants, viewer?.id ?? null),
    };
  });

  const action = (path: string, scope: string, run: (me: Awaited<ReturnType<typeof requireUser>>, id: bigint) => Promise<Parameters<typeof serializeStatus>[1]>) =>
    app.post(`/api/v1/statuses/:id/${path}`, async (request) => {
      const me = await requireUser(core, request, scope);
      return serializeStatus(core, await run(me, pathId(request)), me.id);
    });

  action("favourite", "write:favourites", (me, id) => core.favourites.favourite(me, id));
  action("unfavourite", "write:favourites", (me, id) => core.favourites.unfavourite(me, id));
  action("reblog", "write:statuses", (me, id) => core.statuses.reblog(me, id));
  action("unreblog", "write:statuses", (me, id) => core.statuses.unreblog(me, id));
}
