import { KithError, unprocessable } from "../src/errors.ts";
import { unfoldParams } from "./nested-params.ts";

// multipart/form-data bodies, which Rails takes on every endpoint: curl -F,
// masto.js' sign-ups and profile updates, browser forms. The text fields
// become the parameters, nested as Rails nests them, in the order sent (so
// `fields_attributes[][name]` pairs stay with their values). A file is taken
// only where the route names it (`config: { formFiles }`, see `takesFiles`),
// as a Buffer; anywhere else it is a 422 that names the field. Media uploads
// stream their files through @fastify/multipart instead (routes/api/media.ts).

/** File parts a route takes (by field name) and the largest one it accepts. */
export type FormFiles = { names: readonly string[]; maxBytes: number };

declare module "fastify" {
  interface FastifyContextConfig {
    formFiles?: FormFiles;
  }
}

/**
 * Route options for a route that takes files in a multipart body: the files it
 * names, and a body limit that fits them beside the text fields.
 */
export function takesFiles(files: FormFiles, textBytes: number) {
  return { bodyLimit: textBytes + files.names.length * files.maxBytes, config: { formFiles: files } };
}

/** The parameters of a multipart/form-data body (already read, within the body limit). */
export async function parseMultipart(raw: Buffer, contentType: string, files?: FormFiles): Promise<Record<string, unknown>> {
  let form: FormData;
  try {
    // A view of the bytes already read (Buffers from a request are never shared memory).
    const bytes = new Uint8Array(raw.buffer as ArrayBuffer, raw.byteOffset, raw.byteLength);
    form = await new Response(bytes, { headers: { "content-type": contentType } }).formData();
  } catch {
    throw new KithError(400, "The request body is not valid multipart/form-data");
  }
  const pairs: [string, unknown][] = [];
  for (const [name, value] of form) {
    if (typeof value === "string") {
      pairs.push([name, value]);
      continue;
    }
    // A file input left empty (Rack drops it too).
    if (!value.name && value.size === 0) continue;
    if (!files?.names.includes(name)) throw unprocessable(`Validation failed: ${name}: files cannot be uploaded here`);
    if (value.size > files.maxBytes) throw new KithError(413, "The request body is too large");
    pairs.push([name, Buffer.from(await value.arrayBuffer())]);
  }
  return unfoldParams(pairs);
}
