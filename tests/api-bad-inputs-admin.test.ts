import { afterAll, beforeAll, describe, it } from "vitest";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";
import { named, refusals, type Refusal, type Scoped, type World } from "./helpers/refusals.ts";
import { clientOf } from "./helpers/timeline-client.ts";

// Bad inputs to the admin API, sent by the instance's owner (so that the role
// is never what refuses): a missing admin scope (403), an unknown id (404),
// invalid parameters (422), each in Mastodon's shape and changing nothing.

let kith: InProcess;
const world: World = { ids: {}, tokens: {}, ownerId: 0n };
let r: ReturnType<typeof refusals>;

const A = "/api/v1/admin";
const ACCOUNT = [`${A}/accounts/{troll}`];
const REPORT = [`${A}/reports/{report}`];
const RULES = [`${A}/rules`];
const BLOCKS = [`${A}/domain_blocks`];
const ALLOWS = [`${A}/domain_allows`];
const EMAILS = [`${A}/canonical_email_blocks`];

beforeAll(async () => {
  kith = await startInProcess("bad_inputs_admin");
  const call = clientOf(kith);
  const [olivia, troll, rita] = await Promise.all(["olivia", "troll", "rita"].map((name) => kith.core.accounts.createLocal(name)));
  await kith.core.moderation.accounts.setRole(null, olivia!.id, "owner");
  const owner = await kith.core.tokens.issue(olivia!.id, ["read", "write", "follow", "admin:read", "admin:write"]);
  const ok = async (url: string, body: unknown, token = owner) => {
    const res = await call("POST", url, { token, body });
    if (res.status !== 200) throw new Error(`${url}: ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  };
  const report = await ok("/api/v1/reports", { account_id: String(troll!.id), comment: "spam" }, await kith.core.tokens.issue(rita!.id));
  Object.assign(world, {
    ownerId: olivia!.id,
    ids: {
      troll: String(troll!.id),
      report,
      rule: await ok(`${A}/rules`, { text: "Be kind" }),
      block: await ok(`${A}/domain_blocks`, { domain: "bad.example", severity: "silence" }),
      allow: await ok(`${A}/domain_allows`, { domain: "good.example" }),
      email: await ok(`${A}/canonical_email_blocks`, { email: "spammer@mail.example" }),
    },
    tokens: { owner },
  });
  r = refusals(kith, world);
}, 60_000);

afterAll(async () => kith?.destroy());

const scoped: Scoped[] = [
  { method: "GET", url: `${A}/accounts`, scope: "admin:read:accounts" },
  { method: "GET", url: `${A}/accounts/{troll}`, scope: "admin:read:accounts" },
  { method: "DELETE", url: `${A}/accounts/{troll}`, scope: "admin:write:accounts", readBack: ACCOUNT },
  { method: "POST", url: `${A}/accounts/{troll}/action`, scope: "admin:write:accounts", body: { type: "suspend" }, readBack: ACCOUNT },
  ...["approve", "reject", "unsuspend", "unsilence", "unsensitive", "enable"].map((a) => ({ method: "POST", url: `${A}/accounts/{troll}/${a}`, scope: "admin:write:accounts", readBack: ACCOUNT })),
  { method: "GET", url: `${A}/reports`, scope: "admin:read:reports" },
  { method: "GET", url: `${A}/reports/{report}`, scope: "admin:read:reports" },
  ...["assign_to_self", "unassign", "resolve", "reopen"].map((a) => ({ method: "POST", url: `${A}/reports/{report}/${a}`, scope: "admin:write:reports", readBack: REPORT })),
  { method: "GET", url: `${A}/rules`, scope: "admin:read" },
  { method: "GET", url: `${A}/rules/{rule}`, scope: "admin:read" },
  { method: "POST", url: `${A}/rules`, scope: "admin:write", body: { text: "No ads" }, readBack: RULES },
  { method: "PUT", url: `${A}/rules/{rule}`, scope: "admin:write", body: { text: "Be nice" }, readBack: RULES },
  { method: "DELETE", url: `${A}/rules/{rule}`, scope: "admin:write", readBack: RULES },
  { method: "GET", url: `${A}/domain_blocks`, scope: "admin:read:domain_blocks" },
  { method: "GET", url: `${A}/domain_blocks/{block}`, scope: "admin:read:domain_blocks" },
  { method: "POST", url: `${A}/domain_blocks`, scope: "admin:write:domain_blocks", body: { domain: "worse.example" }, readBack: BLOCKS },
  { method: "PUT", url: `${A}/domain_blocks/{block}`, scope: "admin:write:domain_blocks", body: { severity: "suspend" }, readBack: BLOCKS },
  { method: "DELETE", url: `${A}/domain_blocks/{block}`, scope: "admin:write:domain_blocks", readBack: BLOCKS },
  { method: "GET", url: `${A}/domain_allows`, scope: "admin:read:domain_allows" },
  { method: "GET", url: `${A}/domain_allows/{allow}`, scope: "admin:read:domain_allows" },
  { method: "POST", url: `${A}/domain_allows`, scope: "admin:write:domain_allows", body: { domain: "better.example" }, readBack: ALLOWS },
  { method: "DELETE", url: `${A}/domain_allows/{allow}`, scope: "admin:write:domain_allows", readBack: ALLOWS },
  { method: "GET", url: `${A}/canonical_email_blocks`, scope: "admin:read:canonical_email_blocks" },
  { method: "GET", url: `${A}/canonical_email_blocks/{email}`, scope: "admin:read:canonical_email_blocks" },
  { method: "POST", url: `${A}/canonical_email_blocks/test`, scope: "admin:read:canonical_email_blocks", body: { email: "spammer@mail.example" } },
  { method: "POST", url: `${A}/canonical_email_blocks`, scope: "admin:write:canonical_email_blocks", body: { email: "other@mail.example" }, readBack: EMAILS },
  { method: "DELETE", url: `${A}/canonical_email_blocks/{email}`, scope: "admin:write:canonical_email_blocks", readBack: EMAILS },
];

describe("403 without the admin scope the endpoint needs, and nothing changes", () => {
  it.each(named(scoped, (c) => `needs ${c.scope}`))("%s", async (_, c) => r.expectScopeNeeded(c));
});

const NOT_FOUND = /^(Record|Account|Report|Rule|Domain block|Domain allow|Canonical e-mail block|E-mail block) not found$/;
const byId: [string, string, string[]?, unknown?][] = [
  ["GET", "accounts/:id"],
  ["DELETE", "accounts/:id", ACCOUNT],
  ["POST", "accounts/:id/action", ACCOUNT, { type: "silence" }],
  ...["approve", "reject", "unsuspend", "unsilence", "unsensitive", "enable"].map((a) => ["POST", `accounts/:id/${a}`, ACCOUNT] as [string, string, string[]]),
  ["GET", "reports/:id"],
  ...["assign_to_self", "unassign", "resolve", "reopen"].map((a) => ["POST", `reports/:id/${a}`, REPORT] as [string, string, string[]]),
  ["GET", "rules/:id"],
  ["PUT", "rules/:id", RULES, { text: "x" }],
  ["DELETE", "rules/:id", RULES],
  ["GET", "domain_blocks/:id"],
  ["PUT", "domain_blocks/:id", BLOCKS, { severity: "noop" }],
  ["DELETE", "domain_blocks/:id", BLOCKS],
  ["GET", "domain_allows/:id"],
  ["DELETE", "domain_allows/:id", ALLOWS],
  ["GET", "canonical_email_blocks/:id"],
  ["DELETE", "canonical_email_blocks/:id", EMAILS],
];
const unknownIds: Refusal[] = byId.flatMap(([method, path, readBack, body]) =>
  ["99999999999", "abc"].map((id) => ({ method, url: `${A}/${path.replace(":id", id)}`, body, readBack, status: 404, error: NOT_FOUND })),
);

describe("404 for an unknown or malformed id, and nothing changes", () => {
  it.each(named(unknownIds))("%s", async (_, c) => r.expectRefused(c));
});

const invalid = (method: string, url: string, body: unknown, error: RegExp, readBack?: string[]): Refusal => ({ method, url: `${A}/${url}`, body, error, readBack, status: 422 });
// A limit is never refused, and a boolean is refused only as a list or an object: both are
// read as Mastodon reads them (tests/api-params-mastodon.test.ts).
const invalidParams: Refusal[] = [
  invalid("GET", "accounts?pending[]=perhaps", undefined, /pending: must be true or false/),
  invalid("POST", "accounts/{troll}/action", { type: "banish" }, /type must be one of/, ACCOUNT),
  invalid("POST", "accounts/{troll}/action", { type: "silence", report_id: "x" }, /report_id: must be a numeric id/, ACCOUNT),
  invalid("GET", "reports?resolved[]=perhaps", undefined, /resolved: must be true or false/),
  invalid("GET", "reports?account_id=x", undefined, /account_id: must be a numeric id/),
  invalid("POST", "rules", {}, /text is required/, RULES),
  invalid("POST", "rules", { text: "x", position: -1 }, /position/, RULES),
  invalid("PUT", "rules/{rule}", { text: " " }, /text|blank/i, RULES),
  invalid("GET", "domain_blocks?max_id=x", undefined, /max_id: must be a numeric id/),
  invalid("POST", "domain_blocks", {}, /domain is required/, BLOCKS),
  invalid("POST", "domain_blocks", { domain: "x.example", severity: "nuke" }, /severity must be silence, suspend or noop/, BLOCKS),
  invalid("POST", "domain_blocks", { domain: "bad.example" }, /already|taken|Duplicate/i, BLOCKS),
  invalid("PUT", "domain_blocks/{block}", { reject_media: ["perhaps"] }, /reject_media: must be true or false/, BLOCKS),
  invalid("PUT", "domain_blocks/{block}", { public_comment: "x".repeat(1001) }, /1000 characters/, BLOCKS),
  invalid("POST", "domain_allows", { domain: "not a domain" }, /domain/, ALLOWS),
  invalid("POST", "canonical_email_blocks", { email: "not-an-address" }, /e-?mail/i, EMAILS),
  invalid("POST", "canonical_email_blocks", {}, /email|canonical_email_hash/, EMAILS),
  invalid("POST", "canonical_email_blocks/test", {}, /email is required/, EMAILS),
];

describe("422 with a message for invalid parameters, and nothing changes", () => {
  it.each(named(invalidParams, (c) => JSON.stringify(c.body ?? "").slice(0, 60)))("%s", async (_, c) => r.expectRefused(c));
});
