import type { FastifyInstance, FastifyRequest } from "fastify";
import { KithError } from "../src/errors.ts";
import { parseMultipart } from "./form-fields.ts";
import { parseNestedForm } from "./nested-params.ts";

// Request bodies. Each is kept raw (HTTP signatures are computed over the
// bytes) and decoded in the three encodings Rails takes on every Mastodon
// endpoint: JSON, form-encoded and multipart/form-data, both forms unfolded
// into nested parameters. Query strings are unfolded the same way (see
// buildApp), so a route reads the same parameters however the app sent them.

const JSON_TYPES = /^application\/(json|activity\+json|ld\+json|jrd\+json)/i;
const FORM = /^application\/x-www-form-urlencoded/i;
const MULTIPART = /^multipart\/form-data/i;

/** `textLimit`: the largest body without files (a route that takes files allows more, for them alone). */
export function registerBodyParsers(app: FastifyInstance, textLimit: number) {
  app.removeAllContentTypeParsers();
  // Read whole within the body limit (the route's, when it takes files), so the decoders never see more.
  app.addContentTypeParser("*", { parseAs: "buffer" }, async (request: FastifyRequest, raw: Buffer) => {
    request.rawBody = raw;
    const type = request.headers["content-type"] ?? "";
    if (raw.length === 0) return {};
    if (raw.length > textLimit && !MULTIPART.test(type)) throw new KithError(413, "The request body is too large");
    if (JSON_TYPES.test(type)) {
      try {
        return JSON.parse(raw.toString("utf8"));
      } catch {
        throw new KithError(400, "The request body is not valid JSON");
      }
    }
    if (FORM.test(type)) return parseNestedForm(raw.toString("utf8"));
    if (MULTIPART.test(type)) return parseMultipart(raw, type, request.routeOptions.config.formFiles);
    return raw;
  });
}
