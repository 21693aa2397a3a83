import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";
import { clientOf, localUser, poster, remotePost, remoteUser, type Call, type LocalUser } from "./helpers/timeline-client.ts";

// Search v2 without a search engine: accounts by prefix (exact and local
// first), statuses by full text among those the viewer may see, hashtags by
// prefix; type, limit and offset; and the refusals.

let kith: InProcess;
let call: Call;
let post: ReturnType<typeof poster>;
let alice: LocalUser;
let bob: LocalUser;
let carol: LocalUser;

const search = async (query: string, token: string | null = alice.token) => (await call("GET", `/api/v2/search?${query}`, { token })).body;
const accts = async (query: string, token?: string | null) => (await search(query, token)).accounts.map((a: any) => a.acct);
const statusIds = async (query: string, token?: string | null) => (await search(query, token)).statuses.map((s: any) => s.id);

beforeAll(async () => {
  kith = await startInProcess("search");
  call = clientOf(kith);
  post = poster(kith, call);
  alice = await localUser(kith, "alice", ["write"]);
  bob = await localUser(kith, "bob");
  carol = await localUser(kith, "carol");
  await remoteUser(kith, "alina", "far.example", "Alina Far");
  await kith.core.accounts.updateProfile(carol.account.id, { displayName: "Carol Alibi" });
}, 60_000);

afterAll(async () => kith?.destroy());

describe("accounts", () => {
  it("match by username or display-name word prefix, exact first, local before remote", async () => {
    expect(await accts("q=ali&type=accounts")).toEqual(["alice", "carol", "alina@far.example"]);
    expect(await accts("q=alice&type=accounts")).toEqual(["alice"]);
    expect(await accts("q=@alina@far.example")).toEqual(["alina@far.example"]);
    expect(await accts("q=ali&limit=1&offset=1")).toEqual(["carol"]);
  });

  it("following=true keeps the accounts the viewer follows", async () => {
    await call("POST", `/api/v1/accounts/${carol.id}/follow`, { token: alice.token });
    expect(await accts("q=ali&type=accounts&following=true")).toEqual(["carol"]);
  });

  it("leaves out accounts blocked either way, and their posts", async () => {
    const bobPost = await post(bob, "blockable words");
    expect(await statusIds("q=blockable&type=statuses")).toEqual([bobPost]);
    await call("POST", `/api/v1/accounts/${alice.id}/block`, { token: bob.token });
    expect(await accts("q=bo&type=accounts")).toEqual([]);
    expect(await statusIds("q=blockable&type=statuses")).toEqual([]);
    await call("POST", `/api/v1/accounts/${alice.id}/unblock`, { token: bob.token });
    expect(await accts("q=bo&type=accounts")).toEqual(["bob"]);
  });

  it("anonymous readers find accounts but may not page", async () => {
    expect(await accts("q=bob", null)).toEqual(["bob"]);
    const paged = await call("GET", "/api/v2/search?q=bob&offset=1");
    expect(paged.status).toBe(401);
  });
});

describe("statuses", () => {
  let publicPost: string;
  let privateFollowed: string;
  let privateOther: string;
  let direct: string;
  let own: string;
  let remoteOne: string;

  beforeAll(async () => {
    publicPost = await post(bob, "Pineapple pizza is <b>great</b>");
    privateFollowed = await post(carol, "pineapple secrets for followers", { visibility: "private" });
    privateOther = await post(bob, "pineapple gossip for bob's followers", { visibility: "private" });
    direct = await post(bob, "@carol pineapple between us", { visibility: "direct" });
    own = await post(alice, "my own pineapple thoughts", { visibility: "private" });
    remoteOne = String((await remotePost(kith, await remoteUser(kith, "rex"), "a remote pineapple, <span>tagged</span>")).id);
  });

  it("full text among what the viewer may see: public, own, followed accounts' followers-only", async () => {
    const found = await statusIds("q=pineapple&type=statuses");
    expect(found.sort()).toEqual([publicPost, privateFollowed, own, remoteOne].sort());
    expect(found).not.toContain(privateOther);
    expect(found).not.toContain(direct);
    expect(await statusIds("q=PIZZA great&type=statuses")).toEqual([publicPost]);
    expect(await statusIds(`q=pineapple&type=statuses&account_id=${bob.id}`)).toEqual([publicPost]);
    expect(await statusIds("q=pineapple&type=statuses&limit=1&offset=1")).toHaveLength(1);
  });

  it("the recipient of a direct message finds it; anonymous readers get no full-text results", async () => {
    expect(await statusIds("q=between&type=statuses", carol.token)).toEqual([direct]);
    expect(await statusIds("q=pineapple&type=statuses", null)).toEqual([]);
  });

  it("a post's URL finds it (known posts, no fetching)", async () => {
    const uri = (await call("GET", `/api/v1/statuses/${publicPost}`)).body.uri;
    expect(await statusIds(`q=${encodeURIComponent(uri)}&type=statuses`)).toEqual([publicPost]);
    const secretUri = (await call("GET", `/api/v1/statuses/${privateOther}`, { token: bob.token })).body.uri;
    expect(await statusIds(`q=${encodeURIComponent(secretUri)}&type=statuses`)).toEqual([]);
  });
});

describe("hashtags", () => {
  beforeAll(async () => {
    await post(bob, "#catalog #cats #Cat #dogs");
  });

  it("prefix matches, exact name first, with or without #", async () => {
    const tags = (await search("q=%23cat&type=hashtags")).hashtags;
    expect(tags.map((t: any) => t.name)).toEqual(["cat", "cats", "catalog"]);
    expect(tags[0]).toMatchObject({ url: `${kith.core.urls.origin}/tags/cat`, history: [] });
    expect((await search("q=do&type=hashtags")).hashtags.map((t: any) => t.name)).toEqual(["dogs"]);
    expect((await search("q=no%20such&type=hashtags")).hashtags).toEqual([]);
  });

  it("type limits the sections searched", async () => {
    const res = await search("q=cat&type=hashtags");
    expect(res.accounts).toEqual([]);
    expect(res.statuses).toEqual([]);
  });
});

describe("refusals", () => {
  it.each([
    ["", /q is required/],
    ["q=x&type=everything", /type/],
    ["q=x&account_id=me", /account_id/],
  ])("422 for ?%s", async (query, message) => {
    const res = await call("GET", `/api/v2/search?${query}`, { token: alice.token });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(message);
  });

  it("403 for a token without read:search", async () => {
    expect((await call("GET", "/api/v2/search?q=bob", { token: alice.narrow })).status).toBe(403);
  });
});
