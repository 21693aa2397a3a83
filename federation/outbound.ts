import { toInstant } from "../src/temporal.ts";
import { Accept, Announce, Block, Create, Delete, Flag, Follow, Like, Move, Note, PUBLIC_COLLECTION, Reject, Tombstone, Undo, Update, type Activity, type Recipient } from "@fedify/vocab";
import type { Context } from "@fedify/fedify";
import type { Account } from "../src/accounts/account.repository.ts";
import type { Core } from "../src/core.ts";
import type { Outbound, StatusSnapshot } from "../src/jobs/jobs.ts";
import { INSTANCE_ACTOR } from "../src/accounts/account.service.ts";
import { accountToPerson } from "./mapping/actor.ts";
import { statusToNote } from "./mapping/note.ts";
import { MastodonCreate, MastodonUpdate } from "./mapping/mastodon-extensions.ts";

// Builds the activity for each outbound event and hands it to Fedify, which
// fans it out on the queue: one delivery per shared inbox, signed when sent.

type Ctx = Context<Core>;

const recipientOf = (a: Pick<Account, "uri" | "inboxUrl" | "sharedInboxUrl">): Recipient => ({
  id: new URL(a.uri),
  inboxId: a.inboxUrl ? new URL(a.inboxUrl) : null,
  endpoints: a.sharedInboxUrl ? { sharedInbox: new URL(a.sharedInboxUrl) } : null,
});

const activityId = (ctx: Ctx, kind: string) => new URL(`/activities/${kind}/${crypto.randomUUID()}`, ctx.canonicalOrigin);

async function account(ctx: Ctx, id: string | bigint) {
  const found = await ctx.data.accounts.findById(BigInt(id));
  if (!found) throw new Error(`Account ${id} is gone`);
  return found;
}

type SendOptions = {
  /**
   * What only its addressee reads (Follow, Accept, Like, Block, Flag, a poll
   * vote, their Undo) is sent with its HTTP signature alone, as Mastodon
   * does: nobody forwards it, so a Linked Data signature and an integrity
   * proof (two more signatures and a JSON-LD canonicalization, most of the
   * CPU of sending it) would buy nothing.
   */
  addresseeOnly?: boolean;
};

async function send(ctx: Ctx, sender: Account, recipients: Recipient[], activity: Activity, options: SendOptions = {}) {
  const remote = recipients.filter((r) => r.id && !ctx.data.urls.isLocal(r.id.href));
  if (!remote.length || sender.domain !== null) return;
  await ctx.sendActivity({ identifier: sender.username }, remote, activity, {
    preferSharedInbox: true,
    excludeBaseUris: [new URL(ctx.canonicalOrigin)],
    // This already runs in a worker's job: the deliveries are queued from
    // here. Fedify's fan-out queue would add a job hop, parse the activity
    // back from JSON (losing the extensions Fedify does not model) and
    // compact it again, before the first delivery could start.
    fanout: "skip",
    ...(options.addresseeOnly ? { linkedDataSignatures: false } : {}),
  });
}

const addresseeOnly: SendOptions = { addresseeOnly: true };

/** Remote followers plus remote mentioned accounts, as the status's visibility allows. */
async function audience(ctx: Ctx, snapshot: Pick<StatusSnapshot, "accountId" | "visibility" | "mentionIds">): Promise<Recipient[]> {
  const accounts: Pick<Account, "uri" | "inboxUrl" | "sharedInboxUrl">[] = (await ctx.data.accounts.findByIds(snapshot.mentionIds.map(BigInt))).filter((a) => a.domain !== null);
  if (snapshot.visibility !== "direct") accounts.push(...(await ctx.data.accountRepo.followerInboxes(BigInt(snapshot.accountId))));
  return onePerInbox(accounts);
}

/**
 * Deliveries go to shared inboxes, so one recipient per inbox is enough:
 * 10,000 followers on 1,000 servers become 1,000 recipients (and URLs), not 10,000.
 */
function onePerInbox(accounts: Pick<Account, "uri" | "inboxUrl" | "sharedInboxUrl">[]): Recipient[] {
  const byInbox = new Map<string, Pick<Account, "uri" | "inboxUrl" | "sharedInboxUrl">>();
  for (const a of accounts) {
    const key = a.sharedInboxUrl ?? a.inboxUrl ?? a.uri;
    if (!byInbox.has(key)) byInbox.set(key, a);
  }
  return [...byInbox.values()].map(recipientOf);
}

export async function federate(ctx: Ctx, event: Outbound): Promise<void> {
  switch (event.kind) {
    case "follow": {
      const follow = await ctx.data.follows.findFollowById(BigInt(event.followId));
      if (!follow || follow.state !== "pending") return;
      const [follower, target] = await Promise.all([account(ctx, follow.followerId), account(ctx, follow.followingId)]);
      await send(ctx, follower, [recipientOf(target)], new Follow({ id: new URL(follow.uri), actor: new URL(follower.uri), object: new URL(target.uri) }), addresseeOnly);
      return;
    }
    case "undoFollow":
    case "acceptFollow":
    case "rejectFollow": {
      const [follower, target] = await Promise.all([account(ctx, event.followerId), account(ctx, event.targetId)]);
      const follow = new Follow({ id: new URL(event.followUri), actor: new URL(follower.uri), object: new URL(target.uri) });
      if (event.kind === "undoFollow") {
        await send(ctx, follower, [recipientOf(target)], new Undo({ id: new URL(`${event.followUri}/undo`), actor: new URL(follower.uri), object: follow }), addresseeOnly);
      } else {
        const Answer = event.kind === "acceptFollow" ? Accept : Reject;
        await send(ctx, target, [recipientOf(follower)], new Answer({ id: activityId(ctx, event.kind), actor: new URL(target.uri), object: follow }), addresseeOnly);
      }
      return;
    }
    case "createStatus":
    case "updateStatus": {
      const status = await ctx.data.statuses.findById(BigInt(event.statusId));
      if (!status || status.account.domain !== null) return;
      const note = statusToNote(ctx, status);
      const snapshot = { accountId: String(status.accountId), visibility: status.visibility, mentionIds: status.mentions.map((m) => String(m.accountId)) };
      const activity =
        event.kind === "createStatus"
          ? new MastodonCreate({ id: new URL(`${status.uri}/activity`), actor: note.attributionId, object: note, tos: note.toIds, ccs: note.ccIds, published: note.published })
          : new MastodonUpdate({ id: new URL(`${status.uri}#updates/${status.editedAt?.getTime() ?? Date.now()}`), actor: note.attributionId, object: note, tos: note.toIds, ccs: note.ccIds, updated: note.updated });
      await send(ctx, status.account, await audience(ctx, snapshot), activity);
      return;
    }
    case "pollVote": {
      // Mastodon's and Misskey's shape: one Create{Note} per choice, named for it, to the poll's author only.
      const ballot = await ctx.data.polls.ballot(event.voteIds.map(BigInt));
      if (!ballot || ballot.status.account.domain === null) return;
      const voter = await account(ctx, ballot.accountId);
      const author = ballot.status.account;
      for (const vote of ballot.votes) {
        const note = new Note({ id: new URL(vote.uri), attribution: new URL(voter.uri), name: vote.name, replyTarget: new URL(ballot.status.uri), tos: [new URL(author.uri)] });
        await send(ctx, voter, [recipientOf(author)], new Create({ id: new URL(`${vote.uri}/activity`), actor: new URL(voter.uri), object: note, tos: [new URL(author.uri)] }), addresseeOnly);
      }
      return;
    }
    case "updatePoll": {
      const status = await ctx.data.statuses.findById(BigInt(event.statusId));
      if (!status?.poll || status.account.domain !== null) return;
      const question = statusToNote(ctx, status);
      const snapshot = { accountId: String(status.accountId), visibility: status.visibility, mentionIds: status.mentions.map((m) => String(m.accountId)) };
      const voters = await ctx.data.accounts.findByIds(await ctx.data.polls.remoteVoterIds(status.poll.id));
      const recipients = [...(await audience(ctx, snapshot)), ...voters.filter((a) => a.domain !== null).map(recipientOf)];
      // Each count gets its own id: receivers drop an activity id they have seen.
      const update = new MastodonUpdate({ id: new URL(`${status.uri}#poll-updates/${Date.now()}`), actor: question.attributionId, object: question, tos: question.toIds, ccs: question.ccIds });
      await send(ctx, status.account, recipients, update);
      return;
    }
    case "deleteStatus": {
      const author = await account(ctx, event.status.accountId);
      const recipients = await audience(ctx, event.status);
      const activity = new Delete({
        id: new URL(`${event.status.uri}#delete`),
        actor: new URL(author.uri),
        object: new Tombstone({ id: new URL(event.status.uri) }),
        tos: [PUBLIC_COLLECTION],
      });
      await send(ctx, author, recipients, activity);
      return;
    }
    case "like": {
      const fav = await ctx.data.favourites.findById(BigInt(event.favouriteId));
      if (!fav) return;
      const [liker, status] = await Promise.all([account(ctx, fav.accountId), ctx.data.statuses.findById(fav.statusId)]);
      if (!status) return;
      await send(ctx, liker, [recipientOf(status.account)], new Like({ id: new URL(fav.uri), actor: new URL(liker.uri), object: new URL(status.uri) }), addresseeOnly);
      return;
    }
    case "undoLike": {
      const [liker, status] = await Promise.all([account(ctx, event.accountId), ctx.data.statuses.findById(BigInt(event.statusId))]);
      if (!status) return;
      const like = new Like({ id: new URL(event.likeUri), actor: new URL(liker.uri), object: new URL(status.uri) });
      await send(ctx, liker, [recipientOf(status.account)], new Undo({ id: new URL(`${event.likeUri}/undo`), actor: new URL(liker.uri), object: like }), addresseeOnly);
      return;
    }
    case "announce": {
      const reblog = await ctx.data.statuses.findById(BigInt(event.reblogId));
      if (!reblog?.reblogOf) return;
      const booster = reblog.account;
      const recipients = [...(await audience(ctx, { accountId: String(booster.id), visibility: "public", mentionIds: [] })), recipientOf(reblog.reblogOf.account)];
      await send(ctx, booster, recipients, announceOf(ctx, booster, reblog.uri, reblog.reblogOf.uri, reblog.createdAt, reblog.reblogOf.account.uri));
      return;
    }
    case "undoAnnounce": {
      const booster = await account(ctx, event.reblog.accountId);
      const original = await ctx.data.statuses.findById(BigInt(event.originalId));
      if (!original) return;
      const recipients = [...(await audience(ctx, { accountId: event.reblog.accountId, visibility: "public", mentionIds: [] })), recipientOf(original.account)];
      const announce = announceOf(ctx, booster, event.reblog.uri, original.uri, new Date(), original.account.uri);
      await send(ctx, booster, recipients, new Undo({ id: new URL(`${event.reblog.uri}/undo`), actor: new URL(booster.uri), object: announce }));
      return;
    }
    case "block":
    case "undoBlock": {
      const row = event.kind === "block" ? await ctx.data.blocks.findById(BigInt(event.blockId)) : null;
      const blocker = await account(ctx, row?.accountId ?? (event.kind === "undoBlock" ? event.accountId : 0n));
      const target = await account(ctx, row?.targetId ?? (event.kind === "undoBlock" ? event.targetId : 0n));
      const uri = row?.uri ?? (event.kind === "undoBlock" ? event.blockUri : "");
      const block = new Block({ id: new URL(uri), actor: new URL(blocker.uri), object: new URL(target.uri) });
      const activity = event.kind === "block" ? block : new Undo({ id: new URL(`${uri}/undo`), actor: new URL(blocker.uri), object: block });
      await send(ctx, blocker, [recipientOf(target)], activity, addresseeOnly);
      return;
    }
    case "updateActor": {
      const actor = await account(ctx, event.accountId);
      const followers = await ctx.data.accountRepo.followerInboxes(actor.id);
      const person = await accountToPerson(ctx, actor);
      await send(ctx, actor, followers.map(recipientOf), new Update({ id: new URL(`${actor.uri}#updates/${Date.now()}`), actor: new URL(actor.uri), object: person, tos: [PUBLIC_COLLECTION] }));
      return;
    }
    case "move": {
      // Mastodon's shape: actor and object are the moving account, target the new one,
      // to every follower's server and to those of the accounts that block it.
      const found = await ctx.data.moves.forDelivery(BigInt(event.moveId));
      if (!found) return;
      const { move, origin, target } = found;
      const recipients = event.recipientId
        ? [await account(ctx, event.recipientId)]
        : [...(await ctx.data.accountRepo.followerInboxes(origin.id)), ...(await ctx.data.moves.remoteBlockers(origin.id))];
      const activity = new Move({
        id: new URL(`${origin.uri}#moves/${move.id}`),
        actor: new URL(origin.uri),
        object: new URL(origin.uri),
        target: new URL(target.uri),
        tos: [ctx.getFollowersUri(origin.username)],
      });
      await send(ctx, origin, onePerInbox(recipients), activity);
      return;
    }
    case "deleteActor": {
      // Mastodon's shape: the actor deletes itself, signed with its own key
      // (key sealing lets a suspended account sign this and nothing else).
      const actor = await account(ctx, event.accountId);
      if (!actor.suspendedAt) return;
      const followers = await ctx.data.accountRepo.followerInboxes(actor.id);
      await send(ctx, actor, followers.map(recipientOf), new Delete({ id: new URL(`${actor.uri}#delete`), actor: new URL(actor.uri), object: new URL(actor.uri), tos: [PUBLIC_COLLECTION] }));
      return;
    }
    case "flag": {
      const report = await ctx.data.moderation.reports.findById(BigInt(event.reportId));
      if (!report?.uri) return;
      const [target, statuses, reporter] = await Promise.all([
        account(ctx, report.targetAccountId),
        ctx.data.statuses.findByIds(report.statusIds),
        ctx.data.accounts.findLocalActor(INSTANCE_ACTOR),
      ]);
      if (target.domain === null || !reporter) return;
      // Sent by the instance actor, so the reporter stays anonymous (Mastodon).
      const flag = new Flag({
        id: new URL(report.uri),
        actor: new URL(reporter.uri),
        objects: [new URL(target.uri), ...statuses.map((s) => new URL(s.uri))],
        content: report.comment,
        tos: [new URL(target.uri)],
      });
      await send(ctx, reporter, [recipientOf(target)], flag, addresseeOnly);
      return;
    }
  }
}

function announceOf(ctx: Ctx, booster: Account, uri: string, objectUri: string, published: Date, originalAuthorUri: string) {
  return new Announce({
    id: new URL(uri),
    actor: new URL(booster.uri),
    object: new URL(objectUri),
    published: toInstant(published),
    tos: [PUBLIC_COLLECTION],
    ccs: [ctx.getFollowersUri(booster.username), new URL(originalAuthorUri)],
  });
}
