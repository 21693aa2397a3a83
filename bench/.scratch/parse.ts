import { Activity, Create, Like, Follow } from "@fedify/vocab";
import { getDocumentLoader } from "@fedify/vocab-runtime";
const AS = "https://www.w3.org/ns/activitystreams";
const MASTODON_CONTEXT = [AS, "https://w3id.org/security/v1", { manuallyApprovesFollowers: "as:manuallyApprovesFollowers", toot: "http://joinmastodon.org/ns#", featured: { "@id": "toot:featured", "@type": "@id" }, featuredTags: { "@id": "toot:featuredTags", "@type": "@id" }, alsoKnownAs: { "@id": "as:alsoKnownAs", "@type": "@id" }, movedTo: { "@id": "as:movedTo", "@type": "@id" }, schema: "http://schema.org#", PropertyValue: "schema:PropertyValue", value: "schema:value", discoverable: "toot:discoverable", indexable: "toot:indexable", sensitive: "as:sensitive", Hashtag: "as:Hashtag", Emoji: "toot:Emoji", focalPoint: { "@container": "@list", "@id": "toot:focalPoint" }, blurhash: "toot:blurhash" }];
const actor = "http://127.5.1.1:4000/users/bench0";
const id = `${actor}/statuses/123`;
const note = { id, type: "Note", summary: null, inReplyTo: null, published: new Date().toISOString(), url: `http://127.5.1.1:4000/@bench0/123`, attributedTo: actor, to: [`${AS}#Public`], cc: [`${actor}/followers`], sensitive: false, atomUri: id, inReplyToAtomUri: null, conversation: "tag:x,2024:objectId=1:objectType=Conversation", content: "<p>hello world</p>", contentMap: { en: "<p>hello world</p>" }, attachment: [], tag: [], replies: { id: `${id}/replies`, type: "Collection", first: { type: "CollectionPage", next: `${id}/replies?page=true`, partOf: `${id}/replies`, items: [] } } };
const create = { "@context": MASTODON_CONTEXT, id: `${id}/activity`, type: "Create", actor, published: note.published, to: note.to, cc: note.cc, object: note };
const like = { "@context": AS, id: `${actor}#likes/1`, type: "Like", actor, object: "http://127.0.0.1:3000/users/alice/statuses/1" };
const loader = getDocumentLoader();
for (const [name, json, cls] of [["Create via Activity", create, Activity], ["Create via Create", create, Create], ["Like via Activity", like, Activity]] as const) {
  for (let i = 0; i < 200; i++) await (cls as any).fromJsonLd(json, { documentLoader: loader, contextLoader: loader });
  const t0 = performance.now(); let n = 0;
  while (performance.now() - t0 < 1500) { await (cls as any).fromJsonLd(json, { documentLoader: loader, contextLoader: loader }); n++; }
  console.log(name, ((performance.now() - t0) / n).toFixed(3), "ms per parse");
}
const a = await Activity.fromJsonLd(create, { documentLoader: loader, contextLoader: loader }) as Create;
let t0 = performance.now(); let n = 0;
while (performance.now() - t0 < 1000) { const c = await Create.fromJsonLd(create, { documentLoader: loader, contextLoader: loader }); await c.getObject({documentLoader: loader, contextLoader: loader}); n++; }
console.log("Create + getObject", ((performance.now() - t0) / n).toFixed(3), "ms");
