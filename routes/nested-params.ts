import type { FastifyRequest } from "fastify";

// Mastodon apps send nested and list parameters as Rails reads them:
// `home[last_read_id]=1`, `context[]=home`, and arrays of objects such as
// `keywords_attributes[][keyword]=a&keywords_attributes[][whole_word]=false`
// (a new element starts when a key repeats) or `keywords_attributes[0][keyword]=a`.
// JSON bodies arrive nested already.

type Node = Record<string, unknown> | unknown[];

function assign(root: Record<string, unknown>, path: string[], value: string) {
  let node: Node = root;
  for (let i = 0; i < path.length; i++) {
    const key = path[i]!;
    const last = i === path.length - 1;
    const nextKey = path[i + 1];
    if (Array.isArray(node)) {
      if (last) {
        node.push(value);
        return;
      }
      // `a[][k]`: continue the last element unless it already has k.
      const tail = node.at(-1) as Record<string, unknown> | undefined;
      const child = tail && typeof tail === "object" && nextKey !== undefined && !(nextKey in tail) ? tail : {};
      if (child !== tail) node.push(child);
      node = child;
      continue;
    }
    if (last) {
      node[key] = value;
      return;
    }
    const existing = node[key];
    const wantArray = nextKey === "";
    if (existing === undefined || typeof existing !== "object" || existing === null || Array.isArray(existing) !== wantArray) {
      node[key] = wantArray ? [] : {};
    }
    node = node[key] as Node;
  }
}

export function parseNestedForm(body: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [rawKey, value] of new URLSearchParams(body)) {
    const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(rawKey);
    if (!m) continue;
    const path = [m[1]!, ...[...m[2]!.matchAll(/\[([^[\]]*)\]/g)].map((p) => p[1]!)];
    assign(out, path, value);
  }
  return out;
}

/** The request body with nested form fields unfolded; JSON bodies as they are. */
export function nestedBody(request: FastifyRequest): Record<string, unknown> {
  const type = request.headers["content-type"] ?? "";
  if (/^application\/x-www-form-urlencoded/i.test(type) && request.rawBody) return parseNestedForm(request.rawBody.toString("utf8"));
  const body = request.body;
  return body && typeof body === "object" && !Buffer.isBuffer(body) ? (body as Record<string, unknown>) : {};
}

/** `{ "0": {...}, "1": {...} }` (Rails' indexed form) or an array: always an array. */
export function asArray(value: unknown): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value;
  if (typeof value === "object") return Object.keys(value).sort((a, b) => Number(a) - Number(b)).map((k) => (value as Record<string, unknown>)[k]);
  return [value];
}

/** `types[]=a&types[]=b`, `types=a` or `types[0]=a` in a query string: the strings, or undefined if absent. */
export function stringList(query: unknown, key: string): string[] | undefined {
  const q = (query ?? {}) as Record<string, unknown>;
  const indexed = Object.keys(q).filter((k) => k.startsWith(`${key}[`) && k !== `${key}[]`).map((k) => q[k]);
  const raw = q[`${key}[]`] ?? q[key] ?? (indexed.length ? indexed : undefined);
  if (raw === undefined) return undefined;
  return (Array.isArray(raw) ? raw : [raw]).flat().map(String);
}
