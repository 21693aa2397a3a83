import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { multipart, png } from "./helpers/images.ts";
import { KithInstance, type TestAccount } from "./helpers/instance.ts";
import { waitFor } from "./helpers/wait.ts";

// Media, polls, votes and edits between two real Kith instances.

let A: KithInstance;
let B: KithInstance;
let alice: TestAccount; // @A, the author
let dave: TestAccount; // @A, votes at home
let bob: TestAccount; // @B, follows alice
let aliceOnB: string;
const dirs: string[] = [];

const home = async (i: KithInstance, who: TestAccount) => (await i.api(who.token, "GET", "/api/v1/timelines/home?limit=40")).body as any[];
const arrived = (uri: string) => waitFor(async () => (await home(B, bob)).find((s) => s.uri === uri), `${uri} on B`);

async function upload(i: KithInstance, who: TestAccount, description: string, focus: string) {
  const { body, contentType } = multipart({ description, focus }, { data: png(40, 30), type: "image/png" });
  const res = await fetch(`${i.origin}/api/v2/media`, { method: "POST", headers: { authorization: `Bearer ${who.token}`, "content-type": contentType }, body });
  expect(res.status).toBe(200);
  return (await res.json()) as any;
}

beforeAll(async () => {
  for (let i = 0; i < 2; i++) dirs.push(await mkdtemp(join(tmpdir(), "kith-media-")));
  [A, B] = await Promise.all([KithInstance.create("stfed_a", { KITH_MEDIA_DIR: dirs[0]! }), KithInstance.create("stfed_b", { KITH_MEDIA_DIR: dirs[1]! })]);
  await Promise.all([A.start(), B.start()]);
  [alice, dave, bob] = await Promise.all([A.createAccount("alice"), A.createAccount("dave"), B.createAccount("bob")]);
  aliceOnB = await B.resolve(bob.token, alice.acct);
  await B.api(bob.token, "POST", `/api/v1/accounts/${aliceOnB}/follow`);
  await waitFor(async () => (await B.api(bob.token, "GET", `/api/v1/accounts/relationships?id[]=${aliceOnB}`)).body[0]?.following, "bob's follow to be accepted");
}, 120_000);

afterAll(async () => {
  await Promise.all([A?.destroy(), B?.destroy()]);
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe("media across instances", () => {
  let post: any;
  it("a post with an image and alt text arrives with its attachment, size and focal point", async () => {
    const media = await upload(A, alice, "a red square on white", "0.25,-0.5");
    const res = await A.api(alice.token, "POST", "/api/v1/statuses", { status: "look at this", media_ids: [media.id] });
    expect(res.status).toBe(200);
    post = res.body;
    const onB = await arrived(post.uri);
    expect(onB.media_attachments).toHaveLength(1);
    expect(onB.media_attachments[0]).toMatchObject({
      type: "image",
      url: media.url,
      remote_url: media.url,
      description: "a red square on white",
      meta: { original: { width: 40, height: 30 }, focus: { x: 0.25, y: -0.5 } },
    });
    const file = await fetch(onB.media_attachments[0].url);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("image/png");
  });

  it("an edit travels, and the other side keeps the earlier version in the history", async () => {
    const edit = await A.api(alice.token, "PUT", `/api/v1/statuses/${post.id}`, {
      status: "look at this, edited",
      media_ids: [post.media_attachments[0].id],
      media_attributes: [{ id: post.media_attachments[0].id, description: "a red square, described better" }],
    });
    expect(edit.status).toBe(200);
    const onB = await waitFor(async () => {
      const s = (await home(B, bob)).find((x) => x.uri === post.uri);
      return s?.content.includes("edited") ? s : null;
    }, "the edit on B");
    expect(onB.media_attachments[0].description).toBe("a red square, described better");
    const history = await B.api(bob.token, "GET", `/api/v1/statuses/${onB.id}/history`);
    expect(history.body.map((v: any) => v.content.includes("edited"))).toEqual([false, true]);
  });
});

describe("polls across instances", () => {
  it("a poll arrives as a poll, a vote from the other instance counts on the author's side, and the counts come back", async () => {
    const res = await A.api(alice.token, "POST", "/api/v1/statuses", { status: "cats or dogs?", poll: { options: ["cats", "dogs", "both"], expires_in: 3600 } });
    expect(res.status).toBe(200);
    const local = res.body;
    const onB = await arrived(local.uri);
    expect(onB.poll).toMatchObject({ expired: false, multiple: false, votes_count: 0, options: [{ title: "cats" }, { title: "dogs" }, { title: "both" }] });
    expect(Date.parse(onB.poll.expires_at)).toBe(Date.parse(local.poll.expires_at));

    const vote = await B.api(bob.token, "POST", `/api/v1/polls/${onB.poll.id}/votes`, { choices: [1] });
    expect(vote.status).toBe(200);
    expect(vote.body).toMatchObject({ voted: true, own_votes: [1], votes_count: 1 });

    const counted = await waitFor(async () => {
      const p = (await A.api(alice.token, "GET", `/api/v1/polls/${local.poll.id}`)).body;
      return p.votes_count === 1 ? p : null;
    }, "bob's vote counted on A");
    expect(counted.options.map((o: any) => o.votes_count)).toEqual([0, 1, 0]);
    expect(counted.voters_count).toBe(1);
    // A vote is not a status: nothing new in alice's replies or notifications of mentions.
    expect((await A.api(alice.token, "GET", `/api/v1/statuses/${local.id}`)).body.replies_count).toBe(0);

    await A.api(dave.token, "POST", `/api/v1/polls/${local.poll.id}/votes`, { choices: [0] });
    await waitFor(async () => {
      const p = (await B.api(bob.token, "GET", `/api/v1/polls/${onB.poll.id}`)).body;
      return p.votes_count === 2 && p.options[0].votes_count === 1 && p.own_votes[0] === 1;
    }, "A's Update{Question} with dave's vote on B", 30_000);

    const twice = await B.api(bob.token, "POST", `/api/v1/polls/${onB.poll.id}/votes`, { choices: [0] });
    expect(twice.status).toBe(422);
  });
});
