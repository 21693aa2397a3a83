import multipart from "@fastify/multipart";
import type { FastifyInstance } from "fastify";
import { unprocessable } from "../src/errors.ts";
import { parseNestedForm } from "./nested-params.ts";

/** File parts a route takes (by field name) and the largest one it accepts. */
export type FormFiles = { names: readonly string[]; maxBytes: number };

/**
 * Declares routes (in `declare`) whose body may also come as multipart/form-data
 * text fields, as on Mastodon, where Rails takes every form encoding:
 * masto.js sends sign-ups and profile updates that way. The fields become the
 * body, as JSON and urlencoded bodies do, nested fields (`a[0][b]`) unfolded.
 * Files are refused with a 422 that names them, before the handler runs, unless
 * `files` names them: those become Buffers in the body (a larger one is a 413).
 */
export function withFormFields(app: FastifyInstance, declare: (scope: FastifyInstance) => void, files?: FormFiles) {
  const allowed = new Set(files?.names ?? []);
  app.register(async (scope) => {
    await scope.register(multipart, {
      attachFieldsToBody: "keyValues",
      limits: { files: Math.max(allowed.size, 1), fileSize: files?.maxBytes ?? 1, fields: 50, fieldSize: 10_000, parts: 50 },
      onFile: async (part) => {
        if (allowed.has(part.fieldname)) {
          await part.toBuffer();
          return;
        }
        part.file.resume();
        throw unprocessable(`Validation failed: ${part.fieldname}: files cannot be uploaded here`);
      },
    });
    // Runs after the multipart hook above has made the body.
    scope.addHook("preValidation", async (request) => {
      if (request.isMultipart()) request.body = unfold(request.body as Record<string, unknown> | undefined);
    });
    declare(scope);
  });
}

/** Text fields with brackets nested as Rails reads them; file Buffers kept as they are. */
function unfold(body: Record<string, unknown> | undefined): Record<string, unknown> {
  const text = new URLSearchParams();
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body ?? {})) {
    if (typeof value === "string") text.append(key, value);
    else rest[key] = value;
  }
  return { ...parseNestedForm(text.toString()), ...rest };
}
