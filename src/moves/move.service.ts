import type { Account } from "../accounts/account.repository.ts";
import { fullAcct, type AccountService } from "../accounts/account.service.ts";
import { forbidden, KithError, notFound, unprocessable } from "../errors.ts";
import type { BlockService } from "../interactions/block.service.ts";
import type { JobQueue, Outbound } from "../jobs/jobs.ts";
import type { MuteService } from "../mutes/mute.service.ts";
import type { NotificationService } from "../notifications/notification.service.ts";
import type { AccountMove, MoveRepository, Repointed } from "./move.repository.ts";

// Moving an account to another server, as Mastodon does it (its
// AccountMigration, MoveService, Move activity and MoveWorker): the origin
// names its target (movedTo), every follower's server is sent a Move, and each
// server moves its own local followers to the target. This service is both
// ends: a local account moving out, and a remote account's Move received.
// The followers are moved by a job (account.move) that walks them in
// batches and keeps its place in the AccountMove row, so it survives restarts
// and a killed worker, and running it twice moves nobody twice.

const DAY_MS = 24 * 60 * 60 * 1000;
/** Mastodon ignores a second Move of the same account within a week. */
export const REMOTE_MOVE_QUIET_MS = 7 * DAY_MS;
/** A server that missed a Move is sent it again at most this often. */
const REMIND_EVERY_MS = DAY_MS;
/** How long a process believes its answer to "has any local account moved?". */
const MOVED_FLAG_TTL_MS = 60_000;
/** Followers moved per batch, in one transaction. */
const BATCH = 500;

export type MoveConfirmation = { password: string } | "operator";

/** Why a received Move was not acted on, in the inbox's outcome words. */
export type MoveRefusal = "refused" | "repeat" | "unknown-target";

export type MoveProgress = {
  id: bigint;
  direction: string;
  origin: Account;
  target: Account;
  createdAt: Date;
  finishedAt: Date | null;
  followersTotal: number;
  followersMoved: number;
  followersFailed: number;
  followersPending: number;
};

/** `followUriPrefix`: a local follow's id is appended to it to make its URI (LocalUrls.follow). */
export type MoveServiceOptions = { cooldownDays: number; localDomain: string; followUriPrefix: string };

type Passwords = { isPasswordOf(accountId: bigint, password: string): Promise<boolean> };

export class MoveService {
  private readonly moves: MoveRepository;
  private readonly accounts: AccountService;
  private readonly blocks: BlockService;
  private readonly mutes: MuteService;
  private readonly notifications: NotificationService;
  private readonly jobs: JobQueue;
  private readonly passwords: Passwords;
  private readonly options: MoveServiceOptions;
  /** Whether some local account has moved, and when that was asked: most servers have none, and then reminding costs nothing. */
  private movedFlag: { value: boolean; at: number } | null = null;

  constructor(
    moves: MoveRepository,
    collaborators: { accounts: AccountService; blocks: BlockService; mutes: MuteService; notifications: NotificationService; jobs: JobQueue; passwords: Passwords },
    options: MoveServiceOptions,
  ) {
    this.moves = moves;
    this.accounts = collaborators.accounts;
    this.blocks = collaborators.blocks;
    this.mutes = collaborators.mutes;
    this.notifications = collaborators.notifications;
    this.jobs = collaborators.jobs;
    this.passwords = collaborators.passwords;
    this.options = options;
  }

  /**
   * A local account moves to `targetQuery` (a handle or actor URL). Every
   * check comes before anything is written: a refused move changes nothing.
   */
  async moveOut(accountId: bigint, targetQuery: string, confirmation: MoveConfirmation): Promise<MoveProgress> {
    const origin = await this.accounts.get(accountId);
    if (origin.domain !== null) throw notFound("Account");
    if (confirmation !== "operator" && !(await this.passwords.isPasswordOf(accountId, confirmation.password))) {
      throw forbidden("Invalid password: moving your account needs your current password");
    }
    await this.checkCooldown(origin);
    const query = targetQuery.trim();
    if (!query) throw unprocessable("Validation failed: give the new account's handle (user@example.com) or its URL");
    const found = await this.accounts.resolve(query);
    if (!found) throw unprocessable(`Validation failed: ${query} could not be found`);
    if (found.id === origin.id) throw unprocessable("Validation failed: an account cannot move to itself");
    const target = await this.accounts.fresh(found);
    if (!target) throw unprocessable(`Validation failed: ${this.acctOf(found)}'s server did not answer; try again later`);
    this.checkTarget(origin, target);
    const move = await this.moves.record(origin.id, target, "out");
    // Other processes learn it within MOVED_FLAG_TTL_MS; the Move's own fan-out covers that time.
    this.movedFlag = { value: true, at: Date.now() };
    await this.queue(move.id);
    return this.progress(move);
  }

  /**
   * Ends the redirect: the profile no longer points at the new account. The
   * followers already moved stay where they are, as on Mastodon.
   */
  async cancelRedirect(accountId: bigint): Promise<Account> {
    const account = await this.accounts.get(accountId);
    if (!account.movedToUri) throw unprocessable("This account has not moved");
    const cleared = await this.moves.clearRedirect(accountId);
    await this.jobs.enqueue("federate", { kind: "updateActor", accountId: String(accountId) });
    return cleared;
  }

  /** The account's moves, away from it or to it (followers arriving from an old account), newest first, with how far each has got. */
  async history(accountId: bigint): Promise<MoveProgress[]> {
    return Promise.all((await this.moves.of(accountId)).map((m) => this.progress(m)));
  }

  /**
   * A remote account's Move reached the inbox (the door has checked that its
   * actor signed it and that actor and object are the same). Acted on only
   * when the target, as its server describes it now, names the origin as an
   * alias, is neither suspended nor moved itself, and the origin has not
   * moved within the last week.
   */
  async receive(sender: Account, targetUri: string): Promise<"handled" | MoveRefusal> {
    // The inbox may hand over a copy read a few seconds ago, from before an earlier Move.
    const origin = await this.accounts.findById(sender.id);
    if (!origin || origin.domain === null) return "refused";
    if (origin.movedAt && Date.now() - origin.movedAt.getTime() < REMOTE_MOVE_QUIET_MS) return origin.movedToUri === targetUri ? "repeat" : "refused";
    if (targetUri === origin.uri) return "refused";
    const known = await this.accounts.resolveUri(targetUri);
    if (!known) return "unknown-target";
    const target = await this.accounts.fresh(known);
    if (!target) return "unknown-target";
    try {
      this.checkTarget(origin, target);
    } catch {
      return "refused";
    }
    const move = await this.moves.record(origin.id, target, "in");
    await this.queue(move.id);
    return "handled";
  }

  /** The account.move job: tells the fediverse (a move out), then moves the local followers, a batch at a time. */
  async run(moveId: bigint): Promise<void> {
    const move = await this.moves.findById(moveId);
    if (!move || move.finishedAt) return;
    const [origin, target] = await Promise.all([this.accounts.findById(move.originId), this.accounts.findById(move.targetId)]);
    if (!origin || !target) return;
    if (move.direction === "out") {
      // Receivers drop a Move id they have seen, so a job run again sends nothing new.
      await this.jobs.enqueue("federate", { kind: "updateActor", accountId: String(origin.id) });
      await this.jobs.enqueue("federate", { kind: "move", moveId: String(move.id) });
    }
    // A killed run may have left a batch's deliveries unqueued.
    await this.flush(move.id, move.unsent as Outbound[]);
    let cursor = move.cursor;
    for (;;) {
      const batch = await this.moves.localFollowersAfter(origin.id, cursor, BATCH);
      if (!batch.length) break;
      let unsent: Outbound[] = [];
      const done = await this.moves.repoint(move, batch, target, this.options.followUriPrefix, (done) => (unsent = deliveriesOf(origin, target, done)));
      await this.flush(move.id, unsent);
      await this.notifications.announce("move", done.notices);
      cursor = batch.at(-1)!.id;
    }
    await this.carryBlocksAndMutes(origin, target);
    await this.moves.finish(move.id);
  }

  /**
   * An activity came from `actorUri`. If it still follows a local account
   * that moved (its server missed the Move: it was down past the retries, or
   * lost it), its server is sent that Move again, at most once a day.
   */
  async remind(actorUri: string): Promise<void> {
    if (!this.movedFlag || Date.now() - this.movedFlag.at > MOVED_FLAG_TTL_MS) this.movedFlag = { value: await this.moves.anyLocalMoved(), at: Date.now() };
    if (!this.movedFlag.value) return;
    for (const missed of await this.moves.missedBy(actorUri)) {
      if (await this.moves.claimReminder(missed.id, missed.inbox, REMIND_EVERY_MS)) {
        await this.jobs.enqueue("federate", { kind: "move", moveId: String(missed.id), recipientId: String(missed.followerId) });
      }
    }
  }

  /** Queues the job of every move not finished: a worker starting after a crash picks them up. */
  async resumeUnfinished(): Promise<number> {
    const open = await this.moves.unfinished();
    for (const { id } of open) await this.queue(id);
    return open.length;
  }

  /** What the federation door needs to send a Move: the move, origin and target. */
  async forDelivery(moveId: bigint): Promise<{ move: AccountMove; origin: Account; target: Account } | null> {
    const move = await this.moves.findById(moveId);
    if (!move || move.direction !== "out") return null;
    const [origin, target] = await Promise.all([this.accounts.findById(move.originId), this.accounts.findById(move.targetId)]);
    return origin && target ? { move, origin, target } : null;
  }

  /** Remote accounts that block the origin: Mastodon sends them the Move as well. */
  remoteBlockers(originId: bigint) {
    return this.moves.remoteBlockers(originId);
  }

  private queue(moveId: bigint) {
    return this.jobs.enqueue("account.move", { moveId: String(moveId) }, { dedupeKey: `move:${moveId}` });
  }

  /** Queues what a batch must tell other servers, then forgets it (queued twice at worst: each is harmless to repeat). */
  private async flush(moveId: bigint, unsent: Outbound[]) {
    if (!unsent.length) return;
    await Promise.all(unsent.map((event) => this.jobs.enqueue("federate", event, { background: true })));
    await this.moves.clearUnsent(moveId);
  }

  /** Local blocks and mutes of the origin apply to the target too (Mastodon carries them over). */
  private async carryBlocksAndMutes(origin: Account, target: Account) {
    for (const blockerId of await this.moves.localBlockerIds(origin.id)) {
      const blocker = await this.accounts.findById(blockerId);
      if (blocker && blocker.id !== target.id) await this.blocks.block(blocker, target.id).catch(ignoreRefusal);
    }
    for (const mute of await this.moves.localMutes(origin.id)) {
      if (mute.accountId === target.id) continue;
      const durationSeconds = mute.expiresAt ? Math.max(1, Math.ceil((mute.expiresAt.getTime() - Date.now()) / 1000)) : 0;
      await this.mutes.mute(mute.accountId, target.id, { notifications: mute.notifications, durationSeconds }).catch(ignoreRefusal);
    }
  }

  private async checkCooldown(origin: Account) {
    const last = await this.moves.lastOut(origin.id);
    if (!last) return;
    const until = new Date(last.createdAt.getTime() + this.options.cooldownDays * DAY_MS);
    if (until.getTime() > Date.now()) {
      throw new KithError(429, `This account moved on ${day(last.createdAt)}; it can move again on ${day(until)} (a ${this.options.cooldownDays}-day wait between moves)`);
    }
  }

  /** The target must want the origin (an alias), exist, and not have moved on itself. */
  private checkTarget(origin: Account, target: Account) {
    const name = this.acctOf(target);
    if (target.suspendedAt) throw unprocessable(`Validation failed: ${name} is suspended`);
    if (target.movedToUri) throw unprocessable(`Validation failed: ${name} has itself moved to ${target.movedToUri}; move to that account instead`);
    if (!target.alsoKnownAs.includes(origin.uri)) {
      throw unprocessable(`Validation failed: ${name} does not list this account as an alias; add ${origin.uri} to its aliases (alsoKnownAs) first, then move`);
    }
  }

  private async progress(move: AccountMove): Promise<MoveProgress> {
    const [origin, target, pending] = await Promise.all([
      this.accounts.findById(move.originId),
      this.accounts.findById(move.targetId),
      move.finishedAt ? 0 : this.moves.localFollowersLeft(move.originId, move.cursor),
    ]);
    const followersMoved = Math.max(0, move.followersTotal - move.followersFailed - pending);
    return { ...move, origin: origin!, target: target!, followersMoved, followersPending: pending };
  }

  private acctOf(account: Account): string {
    return fullAcct(account, this.options.localDomain);
  }
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/** What other servers must hear of a batch: Follows to a remote target, Undos to a remote origin. */
function deliveriesOf(origin: Account, target: Account, done: Repointed): Outbound[] {
  return [
    ...(target.domain !== null ? done.made.map((f): Outbound => ({ kind: "follow", followId: String(f.id) })) : []),
    ...(origin.domain !== null ? done.ended.map((f): Outbound => ({ kind: "undoFollow", followUri: f.uri, followerId: String(f.followerId), targetId: String(origin.id) })) : []),
  ];
}

/** A block or mute the rules refuse (the account is gone, say) is skipped; anything else is a failure to retry. */
function ignoreRefusal(error: unknown) {
  if (!(error instanceof KithError)) throw error;
}
