import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Core } from "../../src/core.ts";
import { badRequest, KithError } from "../../src/errors.ts";
import { CSV_FILE_NAMES, CSV_TYPES, isCsvType, type CsvType } from "../../src/portability/csv-formats.ts";
import type { AccountImport } from "../../src/portability/portability.repository.ts";
import { principalOf, requireUser } from "../auth.ts";
import { takesFiles } from "../form-fields.ts";
import { requestParams } from "../nested-params.ts";
import { pathId } from "../params.ts";

// Kith's endpoints for Mastodon's CSV exports and imports (Mastodon offers
// them only in its web settings): the same files, through the API.

/** The scope each kind needs, as the matching Mastodon endpoints do. */
const SCOPE: Record<CsvType, string> = { following: "follows", lists: "lists", blocks: "blocks", mutes: "mutes", domain_blocks: "blocks", bookmarks: "bookmarks" };
/** A 20,000-row following file is about 1 MB; a bigger upload is refused before it is read. */
const MAX_FILE_BYTES = 2 * 1024 * 1024;

const TYPES = `one of ${CSV_TYPES.join(", ")}`;
const importBody = z.object({
  type: z.string({ error: `type is required: ${TYPES}` }).refine(isCsvType, { message: `type must be ${TYPES}` }),
  mode: z.enum(["merge", "overwrite"], { error: "mode must be merge or overwrite" }).default("merge"),
  data: z.union([z.instanceof(Buffer), z.string()], { error: "data is required: the CSV file (multipart) or its text" }),
});

/** The type named by a path segment: the type itself or Mastodon's file name for it. */
function typeOf(segment: string): CsvType {
  const name = segment.replace(/\.csv$/, "");
  const byFile = CSV_TYPES.find((t) => CSV_FILE_NAMES[t] === segment);
  if (byFile) return byFile;
  if (isCsvType(name)) return name;
  throw badRequest(`Unknown export ${segment}: ${TYPES}`);
}

function serializeImport(i: AccountImport) {
  const unreadable = i.total - (i.rows as unknown[]).length;
  return {
    id: String(i.id),
    type: i.type,
    mode: i.mode,
    state: i.finishedAt ? "finished" : i.processed > 0 ? "in_progress" : "queued",
    total_items: i.total,
    processed_items: unreadable + i.processed,
    failed_items: i.failed,
    errors: i.errors,
    created_at: i.createdAt.toISOString(),
    finished_at: i.finishedAt?.toISOString() ?? null,
  };
}

export function csvPortabilityRoutes(app: FastifyInstance, core: Core) {
  app.get<{ Params: { file: string } }>("/api/v1/exports/:file", async (request, reply) => {
    const type = typeOf(request.params.file);
    const me = await requireUser(core, request, `read:${SCOPE[type]}`);
    reply.header("content-type", "text/csv; charset=utf-8").header("content-disposition", `attachment; filename="${CSV_FILE_NAMES[type]}"`);
    return core.csv.exportCsv(me.id, type);
  });

  app.post("/api/v1/imports", takesFiles({ names: ["data"], maxBytes: MAX_FILE_BYTES }, core.config.maxBodyBytes), async (request) => {
    // The scope depends on the type, but nobody learns how a body is checked without a token.
    if (!(await principalOf(core, request))) throw new KithError(401, "The access token is invalid");
    const params = importBody.parse(requestParams(request));
    const type = params.type as CsvType;
    const me = await requireUser(core, request, `write:${SCOPE[type]}`);
    const text = typeof params.data === "string" ? params.data : params.data.toString("utf8");
    return serializeImport(await core.csv.startImport(me, type, params.mode, text));
  });

  app.get("/api/v1/imports", async (request) => {
    const me = await requireUser(core, request, "read:accounts");
    return (await core.csv.imports(me.id)).map(serializeImport);
  });

  app.get("/api/v1/imports/:id", async (request) => {
    const me = await requireUser(core, request, "read:accounts");
    return serializeImport(await core.csv.findImport(me.id, pathId(request)));
  });
}
