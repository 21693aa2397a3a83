import { Create, Document, Update } from "@fedify/vocab";

// Mastodon's `blurhash` and `focalPoint` on media. Fedify's vocabulary has
// neither, so a MediaDocument adds them to its own JSON-LD, and the Create
// and Update that carry it give them back their short names (Fedify would
// compact them to `toot:focalPoint` or a full IRI, which Mastodon does not read).

const TOOT = "http://joinmastodon.org/ns#";
const TERMS = { blurhash: `${TOOT}blurhash`, focalPoint: { "@container": "@list", "@id": `${TOOT}focalPoint` } };

type DocumentValues = ConstructorParameters<typeof Document>[0];
type JsonLdOptions = NonNullable<Parameters<Document["toJsonLd"]>[0]>;
type Json = Record<string, unknown>;

export type MediaExtras = { blurhash?: string | null; focalPoint?: [number, number] | null };

export class MediaDocument extends Document {
  readonly extras: MediaExtras;

  constructor(values: DocumentValues & MediaExtras, options?: ConstructorParameters<typeof Document>[1]) {
    const { blurhash, focalPoint, ...rest } = values;
    super(rest, options);
    this.extras = { blurhash: blurhash ?? null, focalPoint: focalPoint ?? null };
  }

  override async toJsonLd(options: JsonLdOptions = {}): Promise<unknown> {
    const json = await super.toJsonLd(options);
    const { blurhash, focalPoint } = this.extras;
    if (options.format === "expand") {
      const node = (json as Json[])[0]!;
      if (blurhash) node[`${TOOT}blurhash`] = [{ "@value": blurhash }];
      if (focalPoint) node[`${TOOT}focalPoint`] = [{ "@list": focalPoint.map((v) => ({ "@value": v })) }];
      return json;
    }
    const out = json as Json;
    if (blurhash) out.blurhash = blurhash;
    if (focalPoint) out.focalPoint = focalPoint;
    if ((blurhash || focalPoint) && Array.isArray(out["@context"])) out["@context"] = [...out["@context"], TERMS];
    return out;
  }
}

/** Renames what compaction made of the extensions and defines their terms. */
function shortNames(json: Json): Json {
  let found = false;
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!v || typeof v !== "object") return v;
    const out: Json = {};
    for (const [k, value] of Object.entries(v as Json)) {
      if (k === "toot:blurhash" || k === `${TOOT}blurhash`) {
        found = true;
        out.blurhash = value;
      } else if (k === "toot:focalPoint" || k === `${TOOT}focalPoint`) {
        found = true;
        out.focalPoint = (value as { "@list"?: unknown })?.["@list"] ?? value;
      } else out[k] = k === "@context" ? value : walk(value);
    }
    return out;
  };
  const out = walk(json) as Json;
  if (found) out["@context"] = [...(Array.isArray(out["@context"]) ? out["@context"] : [out["@context"]]), TERMS];
  return out;
}

/** A Create whose media keep Mastodon's names on the wire. */
export class MastodonCreate extends Create {
  override async toJsonLd(options: JsonLdOptions = {}): Promise<unknown> {
    const json = await super.toJsonLd(options);
    return options.format === "compact" ? shortNames(json as Json) : json;
  }
}

export class MastodonUpdate extends Update {
  override async toJsonLd(options: JsonLdOptions = {}): Promise<unknown> {
    const json = await super.toJsonLd(options);
    return options.format === "compact" ? shortNames(json as Json) : json;
  }
}

/**
 * A Mastodon extension of a JSON object, however it was compacted: by its
 * term, with the `toot:` prefix or as a full IRI (Fedify's inbox queue
 * re-compacts what it received), as a plain value, `@list` or `@value`.
 */
function term(o: Json, name: string): unknown {
  const v = o[name] ?? o[`toot:${name}`] ?? o[`${TOOT}${name}`];
  if (v && typeof v === "object" && !Array.isArray(v)) return (v as Json)["@list"] ?? (v as Json)["@value"];
  return Array.isArray(v) && v.length === 1 && v[0] && typeof v[0] === "object" ? term({ [name]: v[0] }, name) : v;
}

/** Mastodon's extensions as another server sent them, from its raw JSON (Fedify's parse drops them). */
export function rawMediaExtras(raw: unknown): Map<string, MediaExtras> {
  const out = new Map<string, MediaExtras>();
  const list = raw && typeof raw === "object" ? (raw as Json).attachment : null;
  for (const item of Array.isArray(list) ? list : list ? [list] : []) {
    if (!item || typeof item !== "object") continue;
    const a = item as Json;
    const url = typeof a.url === "string" ? a.url : a.url && typeof a.url === "object" ? (a.url as Json).href : null;
    if (typeof url !== "string") continue;
    const bh = term(a, "blurhash");
    const blurhash = typeof bh === "string" && /^[0-9A-Za-z#$%*+,\-.:;=?@[\]^_{|}~]{6,100}$/.test(bh) ? bh : null;
    const fp = term(a, "focalPoint");
    const focalPoint = Array.isArray(fp) && fp.length === 2 && fp.every((n) => typeof n === "number" && Math.abs(n) <= 1) ? ([fp[0], fp[1]] as [number, number]) : null;
    out.set(url, { blurhash, focalPoint });
  }
  return out;
}
