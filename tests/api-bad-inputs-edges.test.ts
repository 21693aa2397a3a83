import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, mediaEnv } from "./helpers/client.ts";
import { multipart, png } from "./helpers/images.ts";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";
import { named, refusals, storedRows, type Refusal, type World } from "./helpers/refusals.ts";

// Garbage that once reached the database and came back as 500s: text with
// NUL characters, ids past 64 bits, notification group keys naming no time,
// and form fields given both as a value and as a list. Each is now a 404 or
// a 422 in Mastodon's shape, and changes nothing.

let kith: InProcess;
const world: World = { ids: {}, tokens: {}, ownerId: 0n };
let r: ReturnType<typeof refusals>;

const STATUSES = ["/api/v1/accounts/{alice}/statuses"];
const FILTERS = ["/api/v2/filters"];
const TOO_BIG = "9999999999999999999"; // 19 digits, past the largest 64-bit id

beforeAll(async () => {
  kith = await startInProcess("bad_inputs_edges", mediaEnv());
  const [alice, bob] = await Promise.all(["alice", "bob"].map((name) => kith.core.accounts.createLocal(name)));
  const owner = await kith.core.tokens.issue(alice!.id);
  const filter = await client(kith).call(owner, "POST", "/api/v2/filters", { title: "Spoilers", context: ["home"], keywords_attributes: [{ keyword: "finale" }] });
  Object.assign(world, { ownerId: alice!.id, ids: { alice: String(alice!.id), bob: String(bob!.id), filter: filter.body.id }, tokens: { owner } });
  r = refusals(kith, world);
}, 60_000);

afterAll(async () => kith?.destroy());

const nul = (method: string, url: string, body: unknown, readBack?: string[]): Refusal => ({ method, url, body, readBack, status: 422, error: /^Validation failed: text must not contain NUL characters \(U\+0000\)$/ });
const tooBig = (method: string, url: string, body: unknown, error: RegExp, readBack?: string[]): Refusal => ({ method, url, body, readBack, status: 422, error });
const cases: Refusal[] = [
  nul("POST", "/api/v1/statuses", { status: "a\u0000b" }, STATUSES),
  nul("POST", "/api/v1/lists", { title: "a\u0000" }, ["/api/v1/lists"]),
  nul("POST", "/api/v2/filters", { title: "x", context: ["home"], keywords_attributes: [{ keyword: "\u0000" }] }, FILTERS),
  nul("POST", "/api/v1/accounts/{bob}/note", { comment: "\u0000" }),
  nul("PATCH", "/api/v1/accounts/update_credentials", { display_name: "a\u0000" }, ["/api/v1/accounts/verify_credentials"]),
  nul("GET", "/api/v2/search?q=a%00", undefined),
  nul("GET", "/api/v1/accounts/search?q=%00", undefined),
  tooBig("GET", `/api/v1/timelines/home?max_id=${TOO_BIG}`, undefined, /max_id: must be a numeric id/),
  tooBig("GET", `/api/v1/accounts/{bob}/followers?since_id=${TOO_BIG}`, undefined, /since_id: must be a numeric id/),
  tooBig("GET", `/api/v1/notifications?account_id=${TOO_BIG}`, undefined, /account_id must be a numeric id/),
  tooBig("GET", `/api/v2/search?q=x&account_id=${TOO_BIG}`, undefined, /account_id must be a numeric id/),
  tooBig("POST", "/api/v1/markers", { home: { last_read_id: TOO_BIG } }, /last_read_id must be a numeric id/, ["/api/v1/markers?timeline[]=home"]),
  tooBig("POST", "/api/v1/statuses", { status: "x", media_ids: [TOO_BIG] }, /media_ids\.0: must be a numeric id/, STATUSES),
  tooBig("POST", "/api/v1/reports", { account_id: TOO_BIG }, /account_id: must be a numeric id/),
  tooBig("POST", "/api/v2/filters/{filter}/statuses", { status_id: TOO_BIG }, /status_id must be a numeric id/, FILTERS),
  tooBig("PUT", "/api/v2/filters/{filter}", { keywords_attributes: [{ id: TOO_BIG, _destroy: true }] }, /id: must be a numeric id/, FILTERS),
  { method: "GET", url: "/api/v1/statuses/9223372036854775808", status: 404, error: /not found/ },
  ...["ungrouped-" + TOO_BIG, "favourite-" + TOO_BIG + "-1", "follow-999999999999", "reblog-1-999999999999"].flatMap((key) => [
    { method: "GET", url: `/api/v2/notifications/${key}`, status: 404, error: /^Notification group not found$/ },
    { method: "POST", url: `/api/v2/notifications/${key}/dismiss`, status: 404, error: /^Notification group not found$/, readBack: ["/api/v2/notifications"] },
  ]),
  { method: "POST", url: "/api/v1/lists", form: "title=Friends&title[]=Work", status: 422, error: /title/, readBack: ["/api/v1/lists"] },
  { method: "POST", url: "/api/v1/reports", form: "account_id={bob}&account_id[]={bob}", status: 422, error: /account_id/ },
];

describe("garbage the database cannot take is refused at the door", () => {
  it.each(named(cases))("%s", async (_, c) => r.expectRefused(c));

  it("a NUL character in a multipart field (a media description) is a 422 too, and nothing is stored", async () => {
    const before = await storedRows(kith);
    const { body, contentType } = multipart({ description: "a\u0000b" }, { data: png(2, 2), type: "image/png" });
    const res = await kith.app!.inject({ method: "POST", url: "/api/v2/media", headers: { authorization: `Bearer ${world.tokens.owner}`, "content-type": contentType }, payload: body });
    expect(res.statusCode).toBe(422);
    expect(JSON.parse(res.body)).toEqual({ error: "Validation failed: text must not contain NUL characters (U+0000)" });
    expect(await storedRows(kith)).toEqual(before);
  });
});
