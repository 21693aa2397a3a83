import type { FastifyRequest } from "fastify";

// Mastodon apps name parameters as Rails reads them, in query strings and in
// form-encoded and multipart bodies alike: `home[last_read_id]=1` nests,
// `context[]=home` lists, arrays of objects come as
// `keywords_attributes[][keyword]=a&keywords_attributes[][whole_word]=false`
// (a new element starts when a key repeats) or `keywords_attributes[0][keyword]=a`,
// and a name given twice without brackets (`id=1&id=2`) is a list too.
// JSON bodies arrive nested already.

/** Rack refuses names nested deeper than this; such a pair is dropped here. */
const MAX_DEPTH = 32;
const BRACKETED = /^([^[\]]+)((?:\[[^[\]]*\])*)$/;

type Node = Record<string, unknown> | unknown[];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);

/** `a[b][]` → ["a", "b", ""]; a name without brackets is itself. Null for a name that would reach a prototype. */
function pathOf(name: string): string[] | null {
  const m = BRACKETED.exec(name);
  const path = m ? [m[1]!, ...[...m[2]!.matchAll(/\[([^[\]]*)\]/g)].map((p) => p[1]!)] : [name];
  return path.length > MAX_DEPTH || path.includes("__proto__") ? null : path;
}

function assign(root: Record<string, unknown>, path: string[], value: unknown) {
  let node: Node = root;
  for (let i = 0; i < path.length; i++) {
    const key = path[i]!;
    const last = i === path.length - 1;
    const next = path[i + 1];
    if (Array.isArray(node)) {
      if (last) {
        node.push(value);
        return;
      }
      // `a[][k]`: continue the last element unless it already has k.
      const tail = node.at(-1);
      let child: Node;
      if (next === "") child = [];
      else if (isRecord(tail) && !Object.hasOwn(tail, next!)) child = tail;
      else child = {};
      if (child !== tail) node.push(child);
      node = child;
      continue;
    }
    const prior = Object.hasOwn(node, key) ? node[key] : undefined;
    if (last) {
      // The same name again makes a list of both (`a=1&a=2`, `a=1&a[]=2`).
      node[key] = prior === undefined || isRecord(prior) ? value : Array.isArray(prior) ? [...prior, value] : [prior, value];
      return;
    }
    let child: unknown = prior;
    if (next === "") child = Array.isArray(prior) ? prior : prior === undefined || isRecord(prior) ? [] : [prior];
    else if (!isRecord(prior)) child = {};
    node[key] = child;
    node = child as Node;
  }
}

/** Name and value pairs (of a query string or a form) unfolded into nested parameters. */
export function unfoldParams(pairs: Iterable<[string, unknown]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of pairs) {
    const path = pathOf(name);
    if (path) assign(out, path, value);
  }
  return out;
}

/** A query string or form-encoded body, unfolded. */
export const parseNestedForm = (text: string): Record<string, unknown> => unfoldParams(new URLSearchParams(text));

/** The body's parameters, in any encoding (decoded in routes/body-parsers.ts); {} for a body that is not a set of them. */
export const bodyParams = (request: FastifyRequest): Record<string, unknown> => (isRecord(request.body) ? request.body : {});

/**
 * The parameters of a request with a body, as Rails merges them: the body's,
 * with the query string's over them, so `POST /api/v1/statuses?status=hi`
 * posts as on Mastodon. Endpoints taking passwords or secrets read the body
 * alone (bodyParams): a query string ends up in logs.
 */
export function requestParams(request: FastifyRequest): Record<string, unknown> {
  return { ...bodyParams(request), ...(isRecord(request.query) ? request.query : {}) };
}

/** `{ "0": {...}, "1": {...} }` (Rails' indexed form) or an array: always an array. */
export function asArray(value: unknown): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value;
  if (isRecord(value)) return Object.keys(value).sort((a, b) => Number(a) - Number(b)).map((k) => value[k]);
  return [value];
}

/** `types[]=a&types[]=b`, `types=a&types=b`, `types=a` or `types[0]=a`: the strings, or undefined if absent. */
export function stringList(params: unknown, key: string): string[] | undefined {
  const raw = isRecord(params) ? params[key] : undefined;
  return asArray(raw)?.filter((v): v is string => typeof v === "string");
}
