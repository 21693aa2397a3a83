import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliEnv, runCli } from "./helpers/cli.ts";
import { client } from "./helpers/client.ts";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";
import { RemoteServer, type RemoteActor } from "./helpers/remote-actor.ts";
import { waitFor } from "./helpers/wait.ts";

// Mastodon's CSV exports and imports: what alice has comes out in Mastodon's
// exact formats, a file written the way Mastodon writes it imports, the
// files alice exported import into carol's account and export the same, a
// bad row is reported by number while the others import, and an overwrite
// ends what the file does not list.

let kith: InProcess;
let R: RemoteServer;
let rita: RemoteActor;
const tokens: Record<string, string> = {};
const ids: Record<string, string> = {};
let domain: string;
let bookmarked: string;

const SCOPES = ["read", "write", "follow"];
const call = (who: string, method: string, url: string, body?: unknown) => client(kith).call(tokens[who]!, method, url, body);
const exported = async (who: string, file: string) => {
  const res = await kith.app!.inject({ method: "GET", url: `/api/v1/exports/${file}`, headers: { authorization: `Bearer ${tokens[who]}` } });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
  return res.body;
};
/** Imports and waits for the job to finish; the import as the API last showed it. */
async function imported(who: string, type: string, data: string, mode = "merge") {
  const started = await call(who, "POST", "/api/v1/imports", { type, mode, data });
  expect(started.status, JSON.stringify(started.body)).toBe(200);
  return waitFor(async () => {
    const now = (await call(who, "GET", `/api/v1/imports/${started.body.id}`)).body;
    return now.state === "finished" && now;
  }, `the ${type} import to finish`);
}

beforeAll(async () => {
  [kith, R] = await Promise.all([startInProcess("csv"), RemoteServer.start()]);
  domain = kith.core.config.domain;
  for (const name of ["alice", "bob", "carol", "dave", "erin"]) {
    const account = await kith.core.accounts.createLocal(name);
    ids[name] = String(account.id);
    tokens[name] = await kith.core.tokens.issue(account.id, SCOPES);
  }
  rita = R.addActor("rita");
  ids.rita = (await call("alice", "GET", `/api/v2/search?q=${encodeURIComponent(rita.acct)}&resolve=true&type=accounts`)).body.accounts[0].id;
  await call("alice", "POST", `/api/v1/accounts/${ids.bob}/follow`, { reblogs: false, notify: true });
  await call("alice", "POST", `/api/v1/accounts/${ids.dave}/follow`);
  const list = (await call("alice", "POST", "/api/v1/lists", { title: "Close, friends" })).body.id;
  await call("alice", "POST", `/api/v1/lists/${list}/accounts`, { account_ids: [ids.bob] });
  await call("alice", "POST", `/api/v1/accounts/${ids.rita}/block`);
  await call("alice", "POST", `/api/v1/accounts/${ids.erin}/mute`, { notifications: false });
  await call("alice", "POST", "/api/v1/domain_blocks", { domain: "spam.example" });
  const post = (await call("bob", "POST", "/api/v1/statuses", { status: "worth keeping" })).body;
  bookmarked = post.uri;
  await call("alice", "POST", `/api/v1/statuses/${post.id}/bookmark`);
}, 60_000);

afterAll(async () => {
  await kith?.destroy();
  await R?.close();
});

describe("CSV exports", () => {
  it("write Mastodon's formats, with its headers where it has them", async () => {
    expect(await exported("alice", "following_accounts.csv")).toBe(`Account address,Show boosts,Notify on new posts,Languages\nbob@${domain},false,true,\ndave@${domain},true,false,\n`);
    expect(await exported("alice", "lists.csv")).toBe(`"Close, friends",bob@${domain}\n`);
    expect(await exported("alice", "blocked_accounts.csv")).toBe(`${rita.acct}\n`);
    expect(await exported("alice", "muted_accounts.csv")).toBe(`Account address,Hide notifications\nerin@${domain},false\n`);
    expect(await exported("alice", "blocked_domains.csv")).toBe("spam.example\n");
    expect(await exported("alice", "bookmarks.csv")).toBe(`${bookmarked}\n`);
  });

  it("are named by type too, and refuse an unknown one or a token without the scope", async () => {
    expect(await exported("alice", "following")).toContain(`bob@${domain}`);
    expect((await call("alice", "GET", "/api/v1/exports/passwords.csv")).status).toBe(400);
    const followsOnly = await kith.core.tokens.issue(BigInt(ids.alice!), ["read:follows"]);
    expect((await client(kith).call(followsOnly, "GET", "/api/v1/exports/blocked_accounts.csv")).status).toBe(403);
  });
});

describe("CSV imports", () => {
  it("take every file alice exported into carol's account, which then exports the same", async () => {
    for (const [type, file] of [["following", "following_accounts.csv"], ["lists", "lists.csv"], ["blocks", "blocked_accounts.csv"], ["mutes", "muted_accounts.csv"], ["domain_blocks", "blocked_domains.csv"], ["bookmarks", "bookmarks.csv"]]) {
      const done = await imported("carol", type!, await exported("alice", file!));
      expect(done, type).toMatchObject({ failed_items: 0, errors: [] });
      expect(await exported("carol", file!), type).toBe(await exported("alice", file!));
    }
  });

  it("read a file as Mastodon writes it, without a header, and with the header", async () => {
    const withoutHeader = `@bob@${domain},true,false,en\n`;
    expect(await imported("dave", "following", withoutHeader)).toMatchObject({ total_items: 1, failed_items: 0 });
    expect((await call("dave", "GET", `/api/v1/accounts/relationships?id[]=${ids.bob}`)).body[0]).toMatchObject({ following: true, showing_reblogs: true, notifying: false });
  });

  it("report a bad row by its number and import the others", async () => {
    const done = await imported("erin", "blocks", `bob@${domain}\nnot an address\nnobody@${domain}\ndave@${domain}\n`);
    expect(done).toMatchObject({ total_items: 4, processed_items: 4, failed_items: 2 });
    expect(done.errors).toEqual([
      { row: 2, error: '"not an address" is not an account address (user@example.com)' },
      { row: 3, error: `nobody@${domain} could not be found` },
    ]);
    expect(await exported("erin", "blocked_accounts.csv")).toBe(`bob@${domain}\ndave@${domain}\n`);
  });

  it("overwrite ends what the file does not list", async () => {
    await imported("erin", "blocks", `dave@${domain}\n`, "overwrite");
    expect(await exported("erin", "blocked_accounts.csv")).toBe(`dave@${domain}\n`);
  });

  it("refuse a file with too many rows, no readable row, an unknown type, an empty file or no token, changing nothing", async () => {
    const rows = Array.from({ length: 20_001 }, (_, i) => `spam${i}.example`).join("\n");
    const tooMany = await call("erin", "POST", "/api/v1/imports", { type: "domain_blocks", data: rows });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.error).toContain("at most 20000");
    expect((await call("erin", "POST", "/api/v1/imports", { type: "blocks", data: "???\n" })).status).toBe(422);
    expect((await call("erin", "POST", "/api/v1/imports", { type: "passwords", data: "x" })).status).toBe(422);
    expect((await call("erin", "POST", "/api/v1/imports", { type: "blocks", data: "" })).status).toBe(422);
    expect((await client(kith).call(null, "POST", "/api/v1/imports", { type: "blocks", data: "x" })).status).toBe(401);
    expect(await exported("erin", "blocked_domains.csv")).toBe("");
  });
});

describe("kith accounts export and import", () => {
  it("write and read Mastodon's files, the type told by the file's name or --type", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kith-csv-"));
    try {
      const kithCli = (...args: string[]) => runCli(cliEnv(kith.core.config), args);
      const file = join(dir, "following_accounts.csv");
      const written = await kithCli("accounts", "export", "alice", file);
      expect(written.stderr).toBe("");
      expect(written.json).toMatchObject({ username: "alice", type: "following", rows: 3 });
      expect(await readFile(file, "utf8")).toBe(await exported("alice", "following_accounts.csv"));

      const other = join(dir, "friends.txt");
      await writeFile(other, `bob@${domain}\n`);
      const refused = await kithCli("accounts", "import", "dave", other);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/cannot tell the kind of friends.txt/);
      const started = await kithCli("accounts", "import", "dave", other, "--type", "mutes");
      expect(started.stderr).toBe("");
      expect(started.json).toMatchObject({ username: "dave", type: "mutes", mode: "merge", total_items: 1, failed_items: 0 });
      await waitFor(async () => (await exported("dave", "muted_accounts.csv")).includes(`bob@${domain},true`), "dave's mute of bob");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
