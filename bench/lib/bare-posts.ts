import { signPost } from "../../tests/helpers/mastodon-wire.ts";
import { Agent, request } from "node:http";
import { now } from "./env.ts";
import { rsaKey } from "./limits.ts";
import type { Sink } from "./sink.ts";

// The floor for a batch of deliveries on this machine: the same number of
// draft-cavage-signed POSTs of a typical activity to the same sink hosts,
// straight from node:crypto and node:http, `concurrency` at a time, from this
// process — no queue, no database, no JSON-LD.

const body = JSON.stringify({
  "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
  id: "http://127.0.0.1/users/star/statuses/1/activity",
  type: "Create",
  actor: "http://127.0.0.1/users/star",
  to: ["https://www.w3.org/ns/activitystreams#Public"],
  cc: ["http://127.0.0.1/users/star/followers"],
  object: { id: "http://127.0.0.1/users/star/statuses/1", type: "Note", content: "<p>x</p>".repeat(200) },
});

export async function bareSignedPosts(urls: string[], sink: Sink, concurrency: number): Promise<{ seconds: number; perSecond: number }> {
  const key = rsaKey();
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const one = (url: string) =>
    new Promise<void>((resolve, reject) => {
      const headers = signPost(url, body, "http://127.0.0.1/users/star#main-key", key.privateKey);
      const req = request(url, { method: "POST", headers, agent }, (res) => {
        res.resume();
        res.on("end", () => resolve());
      });
      req.on("error", reject);
      req.end(body);
    });
  await sink.reset();
  const t0 = now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < urls.length) await one(urls[next++]!);
    }),
  );
  const got = await sink.expect(urls.length, 60_000);
  agent.destroy();
  const seconds = (got.last - t0) / 1000;
  return { seconds, perSecond: urls.length / seconds };
}
