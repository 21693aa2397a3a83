import type { InProcess } from "./in-process.ts";

// The three ways Mastodon apps send parameters (a JSON body, a form-encoded
// body, a multipart/form-data body), made from one nested object, so a test
// can send the same request each way. Forms use Rails' key syntax:
// `poll[options][]=a`, `fields_attributes[0][name]=x` (or `fields_attributes[][name]=x`).

export const ENCODINGS = ["json", "form", "multipart"] as const;
export type Encoding = (typeof ENCODINGS)[number];

export type Params = Record<string, unknown>;
export type FilePart = { name: string; data: Buffer; type: string; filename?: string };
/** How arrays of objects are keyed in a form: `a[][k]` or `a[0][k]` (both are Rails'). */
export type ArrayStyle = "brackets" | "indexed";

const scalar = (v: unknown) => (v === null || v === undefined ? "" : String(v));

/** The form fields of a nested object, in order, with Rails' bracketed keys. */
export function formPairs(params: Params, style: ArrayStyle = "brackets"): [string, string][] {
  const out: [string, string][] = [];
  const walk = (key: string, value: unknown) => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        const slot = item !== null && typeof item === "object" && style === "indexed" ? `${key}[${i}]` : `${key}[]`;
        walk(slot, item);
      });
    } else if (value !== null && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) walk(`${key}[${k}]`, v);
    } else out.push([key, scalar(value)]);
  };
  for (const [k, v] of Object.entries(params)) walk(k, v);
  return out;
}

export const formBody = (pairs: [string, string][]) => new URLSearchParams(pairs).toString();

/** A multipart/form-data body with repeated fields kept in order, and files. */
export function multipartBody(pairs: [string, string][], files: FilePart[] = []) {
  const boundary = `----kith${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of pairs) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  for (const f of files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.name}"; filename="${f.filename ?? "upload"}"\r\nContent-Type: ${f.type}\r\n\r\n`));
    parts.push(f.data, Buffer.from("\r\n"));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** The body and its content type for one encoding. Files only travel in multipart. */
export function encode(params: Params, encoding: Encoding, options: { files?: FilePart[]; style?: ArrayStyle } = {}): { payload: string | Buffer; contentType: string } {
  if (encoding === "json") return { payload: JSON.stringify(params), contentType: "application/json" };
  const pairs = formPairs(params, options.style);
  if (encoding === "form") return { payload: formBody(pairs), contentType: "application/x-www-form-urlencoded" };
  return multipartBody(pairs, options.files);
}

export type Answer = { status: number; body: any; headers: Record<string, unknown> };

/** Sends `params` as a body in one encoding (or, with encoding "query", in the query string). */
export async function send(
  kith: InProcess,
  request: { method: string; url: string; token?: string | null; params?: Params; encoding: Encoding | "query"; files?: FilePart[]; style?: ArrayStyle; headers?: Record<string, string> },
): Promise<Answer> {
  const headers: Record<string, string> = { ...(request.token ? { authorization: `Bearer ${request.token}` } : {}), ...request.headers };
  let url = request.url;
  let payload: string | Buffer | undefined;
  if (request.encoding === "query") {
    const query = formBody(formPairs(request.params ?? {}, request.style));
    if (query) url += (url.includes("?") ? "&" : "?") + query;
  } else {
    const body = encode(request.params ?? {}, request.encoding, { files: request.files, style: request.style });
    payload = body.payload;
    headers["content-type"] = body.contentType;
  }
  const res = await kith.app!.inject({ method: request.method as "GET", url, headers, payload });
  let body: unknown = res.body;
  try {
    body = res.body ? JSON.parse(res.body) : null;
  } catch {
    // HTML pages and redirects
  }
  return { status: res.statusCode, body, headers: res.headers as Record<string, unknown> };
}
