import { readFixture } from "./helpers/fixtures.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";
import { RemoteServer, signPost, rawRequest, type Json, type RemoteActor } from "./helpers/remote-actor.ts";
import { waitFor } from "./helpers/wait.ts";

// Moderation at the inbox, against fake Mastodon-like servers: Flags become
// reports, suspended and non-allowed domains get 403 before anything is
// queued, reject_reports and reject_media hold, and a suspended remote
// account loses its follows (its server is told). The inbox worker runs one job
// at a time, so once a later "control" post is stored, earlier jobs are done.

let kith: InProcess;
let R: RemoteServer; // a server we keep federating with
let B: RemoteServer; // the one we block
let alice: RemoteActor; // @R
let rActor: RemoteActor; // R's instance actor (Mastodon sends Flags from it)
let mallory: RemoteActor; // @B
let sharedInbox: string;
let mod: { id: bigint; token: string };
let local: { id: bigint; uri: string };
let localPost: { id: bigint; uri: string };

const reportsAbout = async (accountId: bigint) => (await kith.core.moderation.reports.list({ targetAccountId: accountId }, { limit: 40 })).filter((r) => r.targetAccountId === accountId);

async function control(label: string) {
  const note = R.note(alice, { content: `<p>control ${label}</p>` });
  expect((await R.deliver(sharedInbox, R.create(alice, note))).status).toBe(202);
  await waitFor(() => kith.core.statuses.findByUri(note.id), `control ${label} to be stored`);
}

const flag = (server: RemoteServer, actor: RemoteActor, objects: string[], content = "Please take a look at this user and their posts"): Json => ({
  ...readFixture("mastodon/ap-flag.json"),
  id: server.uniqueId("/flags"),
  actor: actor.id,
  object: objects,
  content,
  to: objects[0],
});

beforeAll(async () => {
  [kith, R, B] = await Promise.all([startInProcess("moderation_inbox", { KITH_WORKER_CONCURRENCY: "1" }), RemoteServer.start(), RemoteServer.start()]);
  sharedInbox = `${kith.core.urls.origin}/inbox`;
  alice = R.addActor("alice");
  rActor = R.addActor("actor", { type: "Application" });
  mallory = B.addActor("mallory");
  const m = await kith.core.accounts.createLocal("mod");
  await kith.core.moderation.accounts.setRole(null, m.id, "moderator");
  mod = { id: m.id, token: await kith.core.tokens.issue(m.id) };
  const l = await kith.core.accounts.createLocal("lena");
  local = { id: l.id, uri: l.uri };
  const post = await kith.core.statuses.create(l, { text: "a post someone will report" });
  localPost = { id: post.id, uri: post.uri };
}, 60_000);

afterAll(async () => {
  await Promise.all([kith?.destroy(), R?.close(), B?.close()]);
});

describe("Flag", () => {
  it("becomes a report filed by the remote actor, with the posts it names; moderators are notified", async () => {
    const activity = flag(R, rActor, [local.uri, localPost.uri]);
    expect((await R.deliver(sharedInbox, activity)).status).toBe(202);
    const [report] = await waitFor(async () => {
      const found = await reportsAbout(local.id);
      return found.length ? found : null;
    }, "the Flag to become a report");
    expect(report).toMatchObject({ comment: "Please take a look at this user and their posts", uri: activity.id, statusIds: [localPost.id], forwarded: false });
    const reporter = await kith.core.accounts.findById(report!.accountId);
    expect(reporter?.uri).toBe(rActor.id);
    const notes = await kith.app!.inject({ method: "GET", url: "/api/v1/notifications?types[]=admin.report", headers: { authorization: `Bearer ${mod.token}` } });
    expect(JSON.parse(notes.body).map((n: any) => n.account.acct)).toContain(rActor.acct);

    // Delivered again (a retry): still one report.
    expect((await R.deliver(sharedInbox, activity)).status).toBe(202);
    await control("after flag redelivery");
    expect(await reportsAbout(local.id)).toHaveLength(1);
  });

  it("a Flag naming only a post reports the post's author", async () => {
    const post = await kith.core.statuses.create((await kith.core.accounts.findById(local.id))!, { text: "another" });
    expect((await R.deliver(sharedInbox, flag(R, alice, [post.uri], "just this one"))).status).toBe(202);
    await waitFor(async () => (await reportsAbout(local.id)).find((r) => r.comment === "just this one"), "the post-only Flag");
  });

  it("is ignored from a domain that rejects reports", async () => {
    const block = await kith.core.moderation.domains.block(R.host, { severity: "noop", rejectReports: true });
    try {
      const before = (await reportsAbout(local.id)).length;
      expect((await R.deliver(sharedInbox, flag(R, rActor, [local.uri], "ignored"))).status).toBe(202);
      await control("after rejected flag");
      expect(await reportsAbout(local.id)).toHaveLength(before);
    } finally {
      await kith.core.moderation.domains.unblock(block.id);
    }
  });
});

describe("suspended domains", () => {
  it("get 403 at the inbox, for their own activities and for signed fetches", async () => {
    const note = B.note(mallory, { content: "<p>before the block</p>" });
    expect((await B.deliver(sharedInbox, B.create(mallory, note))).status).toBe(202);
    await waitFor(() => kith.core.statuses.findByUri(note.id), "mallory's first post");

    const block = await kith.core.moderation.domains.block(B.host, { severity: "suspend" });
    try {
      const after = B.note(mallory, { content: "<p>after the block</p>" });
      const res = await B.deliver(sharedInbox, B.create(mallory, after));
      expect(res.status).toBe(403);
      // Even relayed by a server we do federate with.
      expect((await R.deliver(sharedInbox, B.create(mallory, after), { signAs: alice })).status).toBe(403);
      // A signed GET of a local actor by a key on the blocked server.
      const url = `${kith.core.urls.origin}/users/lena`;
      const headers = signPost(url, "", mallory.keyId, mallory.privateKey);
      const get = await rawRequest(url, "GET", { host: headers.host!, date: headers.date!, signature: headers.signature!, accept: "application/activity+json" });
      expect(get.status).toBe(403);
      await control("after blocked delivery");
      expect(await kith.core.statuses.findByUri(after.id)).toBeNull();
      // What they posted before is hidden with them.
      const known = await kith.core.accounts.findByUri(mallory.id);
      expect(known?.suspendedAt).not.toBeNull();
    } finally {
      await kith.core.moderation.domains.unblock(block.id);
    }
    const later = B.note(mallory, { content: "<p>after the unblock</p>" });
    expect((await B.deliver(sharedInbox, B.create(mallory, later))).status).toBe(202);
    await waitFor(() => kith.core.statuses.findByUri(later.id), "mallory's post once unblocked");
  });

  it("in allow-list mode, only allowed servers get through", async () => {
    await kith.core.moderation.domains.allow(R.host);
    await kith.core.settings.update({ allowListMode: true });
    try {
      const note = B.note(mallory, { content: "<p>not allowed</p>" });
      expect((await B.deliver(sharedInbox, B.create(mallory, note))).status).toBe(403);
      await control("in allow-list mode");
    } finally {
      await kith.core.settings.update({ allowListMode: false });
    }
  });
});

describe("reject_media", () => {
  it("stores the domain's posts without their attachments", async () => {
    const block = await kith.core.moderation.domains.block(B.host, { severity: "noop", rejectMedia: true });
    try {
      const withMedia = B.note(mallory, { content: "<p>look</p>", attachments: [{ url: `${B.origin}/media/1.png`, mediaType: "image/png" }] });
      expect((await B.deliver(sharedInbox, B.create(mallory, withMedia))).status).toBe(202);
      const stored = await waitFor(() => kith.core.statuses.findByUri(withMedia.id), "the post from a reject_media domain");
      expect(stored.attachments).toEqual([]);
      expect(stored.content).toContain("look");
    } finally {
      await kith.core.moderation.domains.unblock(block.id);
    }
    const withMedia = R.note(alice, { content: "<p>mine keeps it</p>", attachments: [{ url: `${R.origin}/media/2.png`, mediaType: "image/png" }] });
    expect((await R.deliver(sharedInbox, R.create(alice, withMedia))).status).toBe(202);
    const kept = await waitFor(() => kith.core.statuses.findByUri(withMedia.id), "alice's post with media");
    expect(kept.attachments).toHaveLength(1);
  });
});

describe("suspending a remote account", () => {
  it("hides it and severs its follows both ways, telling its server with Reject and Undo", async () => {
    const zed = R.addActor("zed");
    const follow = R.follow(zed, local.uri);
    expect((await R.deliver(sharedInbox, follow)).status).toBe(202);
    const zedAccount = await waitFor(() => kith.core.accounts.findByUri(zed.id), "zed to be known");
    await waitFor(async () => (await kith.core.follows.isFollowing(zedAccount.id, local.id)) || null, "zed's follow to be accepted");
    await kith.core.follows.follow(local.id, zedAccount.id);
    const outgoing = await waitFor(async () => R.inboxActivities("Follow").find((a) => a.actor === local.uri && a.object === zed.id), "lena's Follow to reach R");
    await kith.core.follows.receiveAccept(local.id, zedAccount.id);

    await kith.core.moderation.accounts.act(mod.id, zedAccount.id, { type: "suspend" });
    expect(await kith.core.follows.isFollowing(zedAccount.id, local.id)).toBe(false);
    expect(await kith.core.follows.isFollowing(local.id, zedAccount.id)).toBe(false);
    expect((await kith.app!.inject({ method: "GET", url: `/api/v1/accounts/${zedAccount.id}` })).statusCode).toBe(404);
    await waitFor(async () => R.inboxActivities("Reject").find((a) => a.object?.actor === zed.id), "the Reject of zed's follow");
    await waitFor(async () => R.inboxActivities("Undo").find((a) => a.object?.id === outgoing.id), "the Undo of lena's follow");
  });

  it("drops what it sends afterwards, even right after it was last heard from", async () => {
    const yan = R.addActor("yan");
    const before = R.note(yan, { content: "<p>before the suspension</p>" });
    expect((await R.deliver(sharedInbox, R.create(yan, before))).status).toBe(202);
    await waitFor(() => kith.core.statuses.findByUri(before.id), "yan's post to be stored");
    const yanAccount = (await kith.core.accounts.findByUri(yan.id))!;
    await kith.core.moderation.accounts.act(mod.id, yanAccount.id, { type: "suspend" });
    const after = R.note(yan, { content: "<p>after the suspension</p>" });
    expect((await R.deliver(sharedInbox, R.create(yan, after))).status).toBe(202);
    await control("after yan's suspension");
    expect(await kith.core.statuses.findByUri(after.id)).toBeNull();
  });
});
