import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { isDeepStrictEqual } from "node:util";
import { Activity, Create, Note, Object as ApObject } from "@fedify/vocab";
import jsonld from "@fedify/vocab-runtime/jsonld";
import { describe, expect, it } from "vitest";
import { fixturesDir, readFixture } from "./helpers/fixtures.ts";
import { MASTODON_CONTEXT, PUBLIC } from "./helpers/mastodon-wire.ts";

// patches/@fedify+vocab: the parser expands an activity's JSON-LD once, not
// once per class and embedded object. Its CommonJS build is left as published,
// so it is the reference the patched parser must agree with on every document.

const reference = createRequire(import.meta.url)("@fedify/vocab") as typeof import("@fedify/vocab");

function mastodonCreate(n: number) {
  const actor = "https://mastodon.example/users/alice";
  const id = `${actor}/statuses/${n}`;
  const content = `<p>Post ${n} with a <a href="https://mastodon.example/tags/kith" class="mention hashtag" rel="tag">#<span>kith</span></a></p>`;
  const note = {
    id, type: "Note", summary: null, inReplyTo: null, published: "2026-11-21T08:00:00Z", url: `https://mastodon.example/@alice/${n}`,
    attributedTo: actor, to: [PUBLIC], cc: [`${actor}/followers`], sensitive: false, atomUri: id, inReplyToAtomUri: null,
    conversation: `tag:mastodon.example,2026:objectId=${n}:objectType=Conversation`, content, contentMap: { en: content },
    attachment: [{ type: "Document", mediaType: "image/png", url: "https://files.mastodon.example/a.png", name: "a cat", blurhash: "UBL_:rOpGG-oBUNG,qRj2so|=eE1w^n4S5NH", focalPoint: [0, 0], width: 4, height: 3 }],
    tag: [{ type: "Hashtag", href: "https://mastodon.example/tags/kith", name: "#kith" }],
    replies: { id: `${id}/replies`, type: "Collection", first: { type: "CollectionPage", next: `${id}/replies?page=true`, partOf: `${id}/replies`, items: [] } },
  };
  return { "@context": MASTODON_CONTEXT, id: `${id}/activity`, type: "Create", actor, published: note.published, to: note.to, cc: note.cc, object: note };
}

/** Every JSON document among the fixtures (a recorded request's body, or a served document). */
function fixtureDocuments(): [string, Record<string, unknown>][] {
  const docs: [string, Record<string, unknown>][] = [["mastodon-create", mastodonCreate(1)]];
  for (const dir of ["misskey-2024.10.1", "mastodon"]) {
    for (const file of readdirSync(`${fixturesDir()}/${dir}`).filter((f) => f.endsWith(".json"))) {
      const json = readFixture(`${dir}/${file}`);
      const doc = json && typeof json === "object" && "body" in json ? json.body : json;
      if (doc && typeof doc === "object" && !Array.isArray(doc) && ("@context" in doc || "type" in doc)) docs.push([`${dir}/${file}`, doc]);
    }
  }
  return docs;
}

/** What a parse yields, in forms that do not depend on the parser's classes. */
async function observe(parse: () => Promise<ApObject>) {
  let parsed: ApObject;
  try {
    parsed = await parse();
  } catch (e) {
    return { error: String(e) };
  }
  const offline = { documentLoader: async (url: string) => Promise.reject(new Error(`no fetch of ${url}`)), suppressError: true };
  const embedded: unknown[] = [];
  if (parsed instanceof Activity || parsed instanceof reference.Activity) {
    const object = await (parsed as Activity).getObject(offline).catch((e) => String(e));
    embedded.push(object && typeof object === "object" ? [object.constructor.name, await object.toJsonLd({ format: "expand" })] : object);
  }
  for await (const tag of parsed.getTags(offline)) embedded.push([tag.constructor.name, await tag.toJsonLd({ format: "expand" })]);
  for await (const a of parsed.getAttachments(offline)) embedded.push(a instanceof URL ? a.href : [a.constructor.name, await a.toJsonLd({ format: "expand" })]);
  return { type: parsed.constructor.name, expanded: await parsed.toJsonLd({ format: "expand" }), cached: await parsed.toJsonLd(), embedded };
}

describe("parsing activities (patched @fedify/vocab)", () => {
  it("expands a Mastodon Create{Note} once instead of once per class and embedded object", async () => {
    const expand = jsonld.expand;
    let calls = 0;
    jsonld.expand = ((...args: Parameters<typeof expand>) => {
      calls++;
      return expand.apply(jsonld, args);
    }) as typeof expand;
    try {
      const create = await Activity.fromJsonLd(mastodonCreate(2));
      expect(create).toBeInstanceOf(Create);
      expect(calls).toBe(1);
    } finally {
      jsonld.expand = expand;
    }
  });

  it("agrees with the published parser on every fixture document", async () => {
    const docs = fixtureDocuments();
    expect(docs.length).toBeGreaterThan(60);
    let parsed = 0;
    for (const [name, doc] of docs) {
      for (const kind of ["Object", "Activity"] as const) {
        const ours = await observe(() => (kind === "Object" ? ApObject : Activity).fromJsonLd(structuredClone(doc)));
        const theirs = await observe(() => (kind === "Object" ? reference.Object : reference.Activity).fromJsonLd(structuredClone(doc)));
        if (!isDeepStrictEqual(ours, theirs)) expect({ name, kind, ours }).toEqual({ name, kind, ours: theirs });
        if (!("error" in ours)) parsed++;
      }
    }
    expect(parsed).toBeGreaterThan(100);
  });

  it("keeps what it hands on intact: the same document and its parts parse again the same way", async () => {
    const doc = mastodonCreate(3);
    const first = await Activity.fromJsonLd(doc);
    const second = await Activity.fromJsonLd(doc);
    for (const create of [first, second]) {
      expect(create).toBeInstanceOf(Create);
      const note = await (create as Create).getObject();
      expect(note).toBeInstanceOf(Note);
      expect(await (create as Create).getObject()).toBeInstanceOf(Note);
      expect(note!.id?.href).toBe(doc.object.id);
    }
    expect(doc.object.type).toBe("Note");
    // A parsed object's own expanded form parses back to the same object.
    const expanded = await first.toJsonLd({ format: "expand" });
    const again = await ApObject.fromJsonLd(expanded);
    expect(again).toBeInstanceOf(Create);
    expect(await again.toJsonLd({ format: "expand" })).toEqual(expanded);
  });
});
