import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";
import { remoteUser } from "./helpers/timeline-client.ts";
import type { StatusView } from "../src/statuses/status.repository.ts";

// What the inbox's hot paths write in one statement each (a remote post with
// its thread, mentions, tags and poll; a remote like; a remote follow), checked
// against what a read of the database returns afterwards.

let kith: InProcess;
beforeAll(async () => {
  kith = await startInProcess("inbox_writes");
}, 60_000);
afterAll(async () => {
  await kith?.destroy();
});

const byId = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
/** A read leaves the order of mentions and tags to the database. */
const inKeyOrder = (s: StatusView) => ({ ...s, mentions: [...s.mentions].sort((a, b) => byId(a.accountId, b.accountId)), tags: [...s.tags].sort((a, b) => byId(a.tagId, b.tagId)) });

const post = (uri: string) => ({
  uri,
  url: null,
  content: "<p>hello</p>",
  spoilerText: "a warning",
  sensitive: true,
  visibility: "public" as const,
  language: "en",
  inReplyToUri: null,
  mentionUris: [] as string[],
  tags: [] as string[],
  attachments: [{ type: "image" as const, url: "https://remote.example/a.png", mediaType: "image/png", description: null, blurhash: null, width: 1, height: 2, focus: null }],
  published: new Date(),
  updated: null,
});

describe("a remote post", () => {
  it("is returned as a read of the database would return it, with its mentions, tags, poll and the author's new count", async () => {
    const local = await kith.core.accounts.createLocal("alice");
    const bob = await remoteUser(kith, "bob");
    const carol = await remoteUser(kith, "carol");
    const stored = await kith.core.statuses.storeRemote(bob, {
      ...post("https://remote.example/statuses/1"),
      mentionUris: [carol.uri, local.uri, carol.uri],
      tags: ["Kith", "fediverse", "kith"],
      poll: { options: ["yes", "no"], votes: [1, 2], votersCount: 3, multiple: false, expiresAt: new Date(Date.now() + 3_600_000) },
    });
    const read = await kith.core.statuses.findById(stored!.id);
    expect(inKeyOrder(stored!)).toStrictEqual(inKeyOrder(read!));
    expect(read).toMatchObject({ account: { id: bob.id, statusesCount: 1 }, poll: { options: ["yes", "no"], votes: [1, 2] } });
    expect(read!.mentions.map((m) => m.accountId).sort()).toEqual([carol.id, local.id].sort());
    expect(read!.tags.map((t) => t.tag.name).sort()).toEqual(["fediverse", "kith"]);
  });

  it("joins its parent's thread and counts as its reply; a repeat is the post already stored", async () => {
    const dave = await remoteUser(kith, "dave");
    const parent = await kith.core.statuses.storeRemote(dave, post("https://remote.example/statuses/2"));
    const reply = await kith.core.statuses.storeRemote(dave, { ...post("https://remote.example/statuses/3"), inReplyToUri: parent!.uri, tags: ["fediverse"] });
    expect(inKeyOrder(reply!)).toStrictEqual(inKeyOrder((await kith.core.statuses.findById(reply!.id))!));
    expect(reply).toMatchObject({ inReplyToId: parent!.id, conversationId: parent!.conversationId, account: { statusesCount: 2 } });
    expect((await kith.core.statuses.findById(parent!.id))!.repliesCount).toBe(1);
    const again = await kith.core.statuses.storeRemote(dave, post("https://remote.example/statuses/2"));
    expect(again!.id).toBe(parent!.id);
    expect((await kith.core.accounts.findById(dave.id))!.statusesCount).toBe(2);
  });
});

describe("a remote like", () => {
  it("counts once, only on a status its sender may see, and not when the author blocks the sender", async () => {
    const erin = await kith.core.accounts.createLocal("erin");
    const fred = await remoteUser(kith, "fred");
    const gina = await remoteUser(kith, "gina");
    const hank = await remoteUser(kith, "hank");
    const open = await kith.core.statuses.create(erin, { text: "for everyone", visibility: "public" });
    const closed = await kith.core.statuses.create(erin, { text: "for followers", visibility: "private" });
    await kith.core.follows.receiveFollow(gina, erin, "https://remote.example/follows/1");
    await kith.core.blocks.block(erin, hank.id);
    let n = 0;
    const like = async (who: typeof fred, id: bigint) => kith.core.favourites.receiveLike(who, (await kith.core.statuses.findTarget(id))!, `https://remote.example/likes/${n++}`);
    await like(fred, open.id);
    await like(fred, open.id);
    await like(hank, open.id);
    await like(fred, closed.id);
    await like(gina, closed.id);
    expect((await kith.core.statuses.findById(open.id))!.favouritesCount).toBe(1);
    expect((await kith.core.statuses.findById(closed.id))!.favouritesCount).toBe(1);
    const notified = (await kith.core.notifications.list(erin.id, { limit: 40 })).filter((x) => x.type === "favourite");
    expect(notified.map((x) => [x.fromAccountId, x.statusId])).toEqual(expect.arrayContaining([[fred.id, open.id], [gina.id, closed.id]]));
    expect(notified).toHaveLength(2);
  });
});

describe("a remote follow", () => {
  it("counts on both accounts once, and a repeat finds the follow there is", async () => {
    const ivy = await kith.core.accounts.createLocal("ivy");
    const jack = await remoteUser(kith, "jack");
    await kith.core.follows.receiveFollow(jack, ivy, "https://remote.example/follows/2");
    await kith.core.follows.receiveFollow(jack, ivy, "https://remote.example/follows/3");
    expect(await kith.core.follows.findFollow(jack.id, ivy.id)).toMatchObject({ state: "accepted", uri: "https://remote.example/follows/2" });
    expect((await kith.core.accounts.findById(ivy.id))!.followersCount).toBe(1);
    expect((await kith.core.accounts.findById(jack.id))!.followingCount).toBe(1);
  });
});
