import multipart from "@fastify/multipart";
import type { FastifyInstance } from "fastify";
import { unprocessable } from "../src/errors.ts";

/**
 * Declares routes (in `declare`) whose body may also come as multipart/form-data
 * text fields, as on Mastodon, where Rails takes every form encoding:
 * masto.js sends sign-ups and profile updates that way. The fields become the
 * body, as JSON and urlencoded bodies do. These routes take no files: one is
 * refused with a 422 that names it, before the handler runs.
 */
export function withFormFields(app: FastifyInstance, declare: (scope: FastifyInstance) => void) {
  app.register(async (scope) => {
    await scope.register(multipart, {
      attachFieldsToBody: "keyValues",
      limits: { files: 1, fileSize: 1, fields: 50, fieldSize: 10_000, parts: 50 },
      onFile: async (part) => {
        part.file.resume();
        throw unprocessable(`Validation failed: ${part.fieldname}: files cannot be uploaded here`);
      },
    });
    declare(scope);
  });
}
