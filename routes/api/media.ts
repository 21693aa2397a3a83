import multipart from "@fastify/multipart";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Core } from "../../src/core.ts";
import { notFound, unprocessable } from "../../src/errors.ts";
import type { MediaAttachment } from "../../src/media/media.repository.ts";
import { MEDIA_KEY } from "../../src/media/media.store.ts";
import { requireUser } from "../auth.ts";
import { requestParams } from "../nested-params.ts";
import { hasNul, NUL_MESSAGE } from "../nul-guard.ts";
import { pathId } from "../params.ts";
import { serializeMedia } from "../serializers/media.ts";

// Media uploads (multipart/form-data, as every Mastodon app sends them) and
// the files themselves. Multipart parsing lives in this scope only: every
// other route, ActivityPub inboxes above all, keeps the app's raw bodies.

const fields = z.object({
  description: z.string().max(10_000).optional().nullable(),
  focus: z.string().max(100).optional().nullable(),
});

const CONTENT_TYPES: Record<string, string> = { jpg: "image/jpeg", png: "image/png", gif: "image/gif", webp: "image/webp" };

/** The uploaded file and the text fields beside it. */
async function readUpload(request: FastifyRequest) {
  if (!request.isMultipart()) return { file: null, fields: fields.parse(requestParams(request)) };
  let file: Buffer | null = null;
  const values: Record<string, string> = {};
  for await (const part of request.parts()) {
    if (part.type === "file") {
      // Every file part must be read to its end, or the request never finishes.
      if (part.fieldname === "file" && file === null) file = await part.toBuffer();
      else part.file.resume();
    } else if (typeof part.value === "string") values[part.fieldname] = part.value;
  }
  // Read here, after the door's NUL check (routes/nul-guard.ts) has run.
  if (hasNul(values)) throw unprocessable(NUL_MESSAGE);
  // The query string's fields over the body's, as Rails merges them.
  return { file, fields: fields.parse({ ...values, ...requestParams(request) }) };
}

/** Mastodon answers 202 (upload) or 206 (read, update) while a large upload is still being processed. */
function send(core: Core, reply: FastifyReply, media: MediaAttachment, pending: 202 | 206) {
  return reply.code(media.processing === "complete" ? 200 : pending).send(serializeMedia(core, media));
}

export function mediaRoutes(app: FastifyInstance, core: Core) {
  app.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: core.config.mediaMaxBytes, files: 4, fields: 20, fieldSize: 20_000, parts: 30 } });

    // v1 answers when the preview is made; v2 leaves large images to a job and answers 202 at once.
    const upload = (defer: boolean) => async (request: FastifyRequest, reply: FastifyReply) => {
      const me = await requireUser(core, request, "write:media");
      const { file, fields: f } = await readUpload(request);
      if (!file?.length) throw unprocessable("Validation failed: File can't be blank");
      return send(core, reply, await core.media.upload(me, file, { description: f.description, focus: f.focus }, { defer }), 202);
    };
    scope.post("/api/v2/media", upload(true));
    scope.post("/api/v1/media", upload(false));

    scope.put("/api/v1/media/:id", async (request, reply) => {
      const me = await requireUser(core, request, "write:media");
      const id = pathId(request);
      const { fields: f } = await readUpload(request);
      return send(core, reply, await core.media.update(me, id, { description: f.description, focus: f.focus }), 206);
    });
  });

  app.get("/api/v1/media/:id", async (request, reply) => {
    const me = await requireUser(core, request, "write:media");
    return send(core, reply, await core.media.get(me, pathId(request)), 206);
  });

  app.delete("/api/v1/media/:id", async (request) => {
    const me = await requireUser(core, request, "write:media");
    await core.media.remove(me, pathId(request));
    return {};
  });

  app.get("/system/media/:key", async (request, reply) => {
    const { key } = request.params as { key: string };
    const data = MEDIA_KEY.test(key) ? await core.media.file(key) : null;
    if (!data) throw notFound("Media");
    // Keys are never reused, so a file never changes under its URL.
    return reply
      .header("content-type", CONTENT_TYPES[key.split(".").pop()!]!)
      .header("cache-control", "public, max-age=31536000, immutable")
      .header("x-content-type-options", "nosniff")
      .header("content-security-policy", "default-src 'none'; sandbox")
      .send(data);
  });
}
