import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Core } from "../../src/core.ts";
import { parseId } from "../../src/ids.ts";
import { notFound } from "../../src/errors.ts";
import { optionalUser, requireUser } from "../auth.ts";
import { asArray, requestParams } from "../nested-params.ts";
import { idList, idString, linkHeader, pageOf, pathId } from "../params.ts";
import { serializeAccount } from "../serializers/account.ts";
import { serializeScheduledStatuses } from "../serializers/scheduled-status.ts";
import { serializeStatus, serializeStatuses } from "../serializers/status.ts";
import { serializeStatusEdits } from "../serializers/status-edit.ts";
import { flag } from "../booleans.ts";

const visibility = z.enum(["public", "unlisted", "private", "direct"], { message: "visibility must be public, unlisted, private or direct" });
const numericId = z.union([z.string(), z.number()]).transform(String).pipe(idString());
const idArray = z.preprocess((v) => asArray(v), z.array(numericId).max(20, "too many ids"));

const pollBody = z.object({
  options: z.preprocess((v) => asArray(v), z.array(z.string().max(1_000), { message: "poll options are required" }).max(50, "too many options")),
  expires_in: z.coerce.number({ message: "poll expires_in must be a number of seconds" }).int("poll expires_in must be whole seconds"),
  multiple: flag,
  hide_totals: flag,
});

const createBody = z.object({
  status: z.string().max(100_000).optional(),
  in_reply_to_id: z.string().optional().nullable(),
  sensitive: flag,
  spoiler_text: z.string().max(1_000).optional(),
  visibility: visibility.optional(),
  language: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]+)?$/, "language must be an ISO 639 code").optional().nullable(),
  media_ids: idArray.optional(),
  poll: pollBody.optional().nullable(),
  scheduled_at: z.string().refine((v) => !Number.isNaN(Date.parse(v)), "scheduled_at must be an ISO 8601 date and time").optional().nullable(),
});

/** Mastodon 4.4: delete the status's media now instead of keeping them a day for a redraft. */
const deleteParams = z.object({ delete_media: flag });

const editBody = createBody.pick({ status: true, sensitive: true, spoiler_text: true, language: true, media_ids: true, poll: true }).extend({
  media_attributes: z
    .preprocess((v) => asArray(v), z.array(z.object({ id: numericId, description: z.string().max(10_000).optional().nullable(), focus: z.string().max(100).optional().nullable() })).max(20))
    .optional(),
});

const pollInput = (poll: z.infer<typeof pollBody> | null | undefined) =>
  poll && { options: poll.options, expiresIn: poll.expires_in, multiple: poll.multiple, hideTotals: poll.hide_totals };

/** Mastodon's Idempotency-Key header, if the client sent one. */
function idempotencyKey(request: FastifyRequest): string | undefined {
  const key = request.headers["idempotency-key"];
  return typeof key === "string" && key.trim() ? key.trim().slice(0, 256) : undefined;
}

export function statusRoutes(app: FastifyInstance, core: Core) {
  app.post("/api/v1/statuses", async (request) => {
    const me = await requireUser(core, request, "write:statuses");
    const body = createBody.parse(requestParams(request));
    let inReplyToId: bigint | null = null;
    if (body.in_reply_to_id) {
      inReplyToId = parseId(body.in_reply_to_id);
      if (inReplyToId === null) throw notFound("Record");
    }
    const input = {
      text: body.status ?? "",
      visibility: body.visibility,
      inReplyToId,
      spoilerText: body.spoiler_text,
      sensitive: body.sensitive,
      language: body.language,
      mediaIds: body.media_ids,
      poll: pollInput(body.poll),
    };
    const options = { idempotencyKey: idempotencyKey(request) };
    if (body.scheduled_at) {
      const scheduled = await core.scheduledStatuses.schedule(me, input, new Date(body.scheduled_at), options);
      return (await serializeScheduledStatuses(core, [scheduled]))[0];
    }
    return serializeStatus(core, await core.statuses.create(me, input, options), me.id);
  });

  app.get("/api/v1/statuses", async (request) => {
    const viewer = await optionalUser(core, request, "read:statuses");
    const statuses = await core.statuses.visibleAmong(idList(request.query), viewer?.id ?? null);
    return serializeStatuses(core, statuses, viewer?.id ?? null);
  });

  app.get("/api/v1/statuses/:id", async (request) => {
    const viewer = await optionalUser(core, request, "read:statuses");
    return serializeStatus(core, await core.statuses.getVisible(pathId(request), viewer?.id ?? null), viewer?.id ?? null);
  });

  app.put("/api/v1/statuses/:id", async (request) => {
    const me = await requireUser(core, request, "write:statuses");
    const id = pathId(request);
    const body = editBody.parse(requestParams(request));
    const status = await core.statuses.edit(me, id, {
      text: body.status,
      spoilerText: body.spoiler_text,
      sensitive: body.sensitive,
      language: body.language,
      mediaIds: body.media_ids,
      poll: body.poll === null ? null : pollInput(body.poll),
      mediaAttributes: body.media_attributes,
    });
    return serializeStatus(core, status, me.id);
  });

  app.delete("/api/v1/statuses/:id", async (request) => {
    const me = await requireUser(core, request, "write:statuses");
    const { delete_media: deleteMedia } = deleteParams.parse(requestParams(request));
    const deleted = await core.statuses.delete(me, pathId(request), { deleteMedia });
    // Mastodon returns the deleted status with its source text, media and poll, for "delete and redraft".
    return { ...(await serializeStatus(core, deleted, me.id)), text: deleted.text ?? "" } as Record<string, unknown>;
  });

  app.get("/api/v1/statuses/:id/history", async (request) => {
    const viewer = await optionalUser(core, request, "read:statuses");
    const { status, versions } = await core.statuses.history(pathId(request), viewer?.id ?? null);
    return serializeStatusEdits(core, status, versions);
  });

  app.get("/api/v1/statuses/:id/source", async (request) => {
    const me = await requireUser(core, request, "read:statuses");
    const source = await core.statuses.source(me, pathId(request));
    return { id: String(source.id), text: source.text, spoiler_text: source.spoilerText };
  });

  app.get("/api/v1/statuses/:id/context", async (request) => {
    const viewer = await optionalUser(core, request, "read:statuses");
    const status = await core.statuses.getVisible(pathId(request), viewer?.id ?? null);
    const { ancestors, descendants } = await core.statuses.thread(status, viewer?.id ?? null);
    return {
      ancestors: await serializeStatuses(core, ancestors, viewer?.id ?? null),
      descendants: await serializeStatuses(core, descendants, viewer?.id ?? null),
    };
  });

  for (const [path, list] of [
    ["favourited_by", (id: bigint, viewerId: bigint | null, range: ReturnType<typeof pageOf>) => core.statuses.favouritedBy(id, viewerId, range)],
    ["reblogged_by", (id: bigint, viewerId: bigint | null, range: ReturnType<typeof pageOf>) => core.statuses.rebloggedBy(id, viewerId, range)],
  ] as const) {
    app.get(`/api/v1/statuses/:id/${path}`, async (request, reply) => {
      const viewer = await optionalUser(core, request, "read:accounts");
      const id = pathId(request);
      const rows = await list(id, viewer?.id ?? null, pageOf(request));
      linkHeader(reply, request, core.urls.origin, rows.map((r) => ({ id: r.cursor })));
      return rows.map((r) => serializeAccount(core, r.account));
    });
  }

  const action = (path: string, scope: string, run: (me: Awaited<ReturnType<typeof requireUser>>, id: bigint) => Promise<Parameters<typeof serializeStatus>[1]>) =>
    app.post(`/api/v1/statuses/:id/${path}`, async (request) => {
      const me = await requireUser(core, request, scope);
      return serializeStatus(core, await run(me, pathId(request)), me.id);
    });

  action("favourite", "write:favourites", (me, id) => core.favourites.favourite(me, id));
  action("unfavourite", "write:favourites", (me, id) => core.favourites.unfavourite(me, id));
  action("reblog", "write:statuses", (me, id) => core.statuses.reblog(me, id));
  action("unreblog", "write:statuses", (me, id) => core.statuses.unreblog(me, id));
  action("bookmark", "write:bookmarks", (me, id) => core.bookmarks.bookmark(me, id));
  action("unbookmark", "write:bookmarks", (me, id) => core.bookmarks.unbookmark(me, id));
  action("pin", "write:accounts", (me, id) => core.pins.pin(me, id));
  action("unpin", "write:accounts", (me, id) => core.pins.unpin(me, id));
  action("mute", "write:mutes", (me, id) => core.statuses.muteThread(me, id));
  action("unmute", "write:mutes", (me, id) => core.statuses.unmuteThread(me, id));
}

