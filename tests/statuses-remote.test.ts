import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KithInstance, type TestAccount } from "./helpers/instance.ts";
import { MASTODON_CONTEXT, PUBLIC, RemoteServer, type Json, type RemoteActor } from "./helpers/remote-actor.ts";
import { waitFor } from "./helpers/wait.ts";

// Media, polls and votes in the shapes Mastodon and Misskey send them
// (see tests/fixtures), between a real Kith and a fake remote server.

let K: KithInstance;
let R: RemoteServer;
let local: TestAccount;
let alice: RemoteActor; // Mastodon-like
let misa: RemoteActor; // votes the way Misskey does
let sharedInbox: string;

const statusByUri = async (uri: string) => {
  const res = await K.api(local.token, "GET", `/api/v2/search?q=${encodeURIComponent(uri)}&type=statuses&resolve=false`);
  return (res.body?.statuses as Json[] | undefined)?.[0] ?? null;
};
const arrived = (uri: string) => waitFor(() => statusByUri(uri), `${uri} to be stored`);

/** Mastodon defines votersCount in the @context of activities that carry a Question (fixtures/mastodon/ap-question.json). */
const QUESTION_CONTEXT = [...MASTODON_CONTEXT, { votersCount: "http://joinmastodon.org/ns#votersCount" }];

/** A multiple-choice Question as Mastodon serves it (anyOf; counts in each option's replies). */
function question(actor: RemoteActor, id: string, counts: number[], votersCount: number, options = ["apple", "orange", "banana"]): Json {
  return {
    ...R.note(actor, { id, content: "<p>What should I eat for breakfast today?</p>" }),
    type: "Question",
    endTime: new Date(Date.now() + 86_400_000).toISOString(),
    votersCount,
    anyOf: options.map((name, i) => ({ type: "Note", name, replies: { type: "Collection", totalItems: counts[i] } })),
  };
}

beforeAll(async () => {
  [K, R] = await Promise.all([KithInstance.create("st_remote"), RemoteServer.start()]);
  await K.start();
  local = await K.createAccount("local");
  alice = R.addActor("alice");
  misa = R.addActor("misa");
  sharedInbox = `${K.origin}/inbox`;
}, 120_000);

afterAll(async () => {
  await K?.destroy();
  await R?.close();
});

describe("remote media", () => {
  it("keeps Mastodon's blurhash and focalPoint", async () => {
    const note = R.note(alice, { content: "<p>A picture attached!</p>" });
    note.attachment = [{ type: "Image", mediaType: "image/png", url: `${R.origin}/files/cats.png`, name: "two cats", width: 640, height: 480, blurhash: "UBL_:rOpGG-oBUNG,qRj2so|=eE1w^n4S5NH", focalPoint: [-0.55, 0.43] }];
    expect((await R.deliver(sharedInbox, R.create(alice, note))).status).toBe(202);
    const status = await arrived(note.id);
    expect(status.media_attachments).toEqual([
      expect.objectContaining({
        type: "image",
        url: `${R.origin}/files/cats.png`,
        description: "two cats",
        blurhash: "UBL_:rOpGG-oBUNG,qRj2so|=eE1w^n4S5NH",
        meta: { original: { width: 640, height: 480, size: "640x480", aspect: 640 / 480 }, focus: { x: -0.55, y: 0.43 } },
      }),
    ]);
  });
});

describe("remote polls", () => {
  let pollUri: string;
  let onKith: Json;

  it("a Question arrives as a poll with its counts; Update{Question} brings new counts without making an edit", async () => {
    pollUri = R.uniqueId("/users/alice/statuses");
    expect((await R.deliver(sharedInbox, { ...R.create(alice, question(alice, pollUri, [3, 7, 6], 7)), "@context": QUESTION_CONTEXT })).status).toBe(202);
    onKith = await arrived(pollUri);
    expect(onKith.poll).toMatchObject({ multiple: true, votes_count: 16, voters_count: 7, expired: false, options: [{ title: "apple", votes_count: 3 }, { title: "orange", votes_count: 7 }, { title: "banana", votes_count: 6 }] });

    const update = { "@context": QUESTION_CONTEXT, id: `${pollUri}#updates/1`, type: "Update", actor: alice.id, to: [PUBLIC], object: question(alice, pollUri, [4, 7, 6], 8) };
    expect((await R.deliver(sharedInbox, update)).status).toBe(202);
    await waitFor(async () => (await statusByUri(pollUri))?.poll.votes_count === 17, "the new counts");
    expect((await statusByUri(pollUri))!.poll.voters_count).toBe(8);
    const after = await K.api(local.token, "GET", `/api/v1/statuses/${onKith.id}`);
    expect(after.body.edited_at).toBeNull();
    expect((await K.api(local.token, "GET", `/api/v1/statuses/${onKith.id}/history`)).body).toHaveLength(1);
  });

  it("a local vote on a remote poll goes to its author as Create{Note} named for the choice, as Mastodon sends it", async () => {
    const vote = await K.api(local.token, "POST", `/api/v1/polls/${onKith.poll.id}/votes`, { choices: [1] });
    expect(vote.status).toBe(200);
    expect(vote.body).toMatchObject({ voted: true, own_votes: [1], votes_count: 18 });
    const sent = await waitFor(async () => R.inboxActivities("Create").find((a) => a.object?.inReplyTo === pollUri), "the vote at the author's inbox");
    const me = `${K.origin}/users/local`;
    expect(sent).toMatchObject({ actor: me, object: { type: "Note", name: "orange", attributedTo: me, inReplyTo: pollUri } });
    expect(sent.id).toBe(`${sent.object.id}/activity`);
    expect(sent.object.id).toMatch(new RegExp(`^${me}#votes/\\d+$`));
    expect([sent.to, sent.object.to].flat()).toContain(alice.id);
    expect(sent.object.content ?? null).toBeNull();
    const req = R.received((r) => r.json?.id === sent.id)[0]!;
    expect(["/users/alice/inbox", "/inbox"]).toContain(req.path);
  });
});

describe("remote votes on local polls", () => {
  let local_poll: Json;
  beforeAll(async () => {
    const res = await K.api(local.token, "POST", "/api/v1/statuses", { status: "which colour?", poll: { options: ["red", "blue"], expires_in: 3600 } });
    local_poll = res.body;
  });

  const vote = (actor: RemoteActor, name: string, n: number, activityId?: string): Json => {
    const id = `${actor.id}#votes/${n}`;
    return {
      "@context": MASTODON_CONTEXT,
      id: activityId ?? `${id}/activity`,
      type: "Create",
      actor: actor.id,
      to: [local_poll.account.url.replace("/@local", "/users/local")],
      object: { id, type: "Note", name, attributedTo: actor.id, to: [`${K.origin}/users/local`], inReplyTo: local_poll.uri },
    };
  };

  it("Mastodon- and Misskey-shaped votes are counted, never stored as statuses, and counted once", async () => {
    expect((await R.deliver(`${K.origin}/users/local/inbox`, vote(alice, "blue", 1))).status).toBe(202);
    expect((await R.deliver(sharedInbox, vote(misa, "red", 2))).status).toBe(202);
    // Redelivered under a new activity id (Misskey re-synthesizes them): the vote's own id counts once.
    expect((await R.deliver(sharedInbox, vote(misa, "red", 2, `${misa.id}#votes/2/activity-again`))).status).toBe(202);
    await waitFor(async () => (await K.api(local.token, "GET", `/api/v1/polls/${local_poll.poll.id}`)).body.votes_count === 2, "two remote votes counted");
    const poll = (await K.api(local.token, "GET", `/api/v1/polls/${local_poll.poll.id}`)).body;
    expect(poll).toMatchObject({ votes_count: 2, voters_count: 2, options: [{ votes_count: 1 }, { votes_count: 1 }] });
    expect(await statusByUri(`${alice.id}#votes/1`)).toBeNull();
    const status = await K.api(local.token, "GET", `/api/v1/statuses/${local_poll.id}`);
    expect(status.body.replies_count).toBe(0);
    const mentions = (await K.api(local.token, "GET", "/api/v1/notifications")).body as Json[];
    expect(mentions.filter((n) => n.status?.uri?.includes("#votes/"))).toEqual([]);

    // The author's server tells followers and voters the new counts.
    const update = await waitFor(async () => R.inboxActivities("Update").find((a) => a.object?.id === local_poll.uri), "Update{Question} at the voters' server", 30_000);
    expect(update.object.type).toBe("Question");
    expect(update.object.oneOf.map((o: Json) => o.replies.totalItems)).toEqual([1, 1]);
    expect(update.object.votersCount).toBe(2);
  });

  it("a second vote from the same voter in a single-choice poll is not counted", async () => {
    expect((await R.deliver(sharedInbox, vote(alice, "red", 3))).status).toBe(202);
    const control = R.note(alice, { content: "<p>control</p>" });
    await R.deliver(sharedInbox, R.create(alice, control));
    await arrived(control.id);
    expect((await K.api(local.token, "GET", `/api/v1/polls/${local_poll.poll.id}`)).body.votes_count).toBe(2);
  });
});
