import type { Account } from "../accounts/account.repository.ts";
import type { AccountService } from "../accounts/account.service.ts";
import { KithError, notFound, unprocessable } from "../errors.ts";
import type { JobQueue } from "../jobs/jobs.ts";
import { idWhere, newestFirst, type IdRange } from "../notifications/notification.repository.ts";
import type { NewPoll } from "../polls/poll.rules.ts";
import { runOnce, type IdempotencyStore } from "./idempotency.ts";
import type { ScheduledStatus, ScheduledStatusRepository } from "./scheduled-status.repository.ts";
import type { StatusService } from "./status.service.ts";
import type { NewStatus, Visibility } from "./status.types.ts";

// Posts written now and published later (Mastodon's scheduled statuses). A
// delayed job publishes each one at its time; the row is the truth, so a
// job for a time that was changed or a post that was cancelled does nothing.

export const MIN_LEAD_MS = 5 * 60_000;
export const MAX_SCHEDULED = 300;

/** A scheduled post's parameters as stored, in the domain's words. */
export type ScheduledParams = {
  text: string;
  visibility: Visibility;
  inReplyToId: string | null;
  spoilerText: string;
  sensitive: boolean;
  language: string | null;
  poll: NewPoll | null;
};

export class ScheduledStatusService {
  private readonly scheduled: ScheduledStatusRepository;
  private readonly statuses: StatusService;
  private readonly accounts: AccountService;
  private readonly jobs: JobQueue;
  private readonly idempotency: IdempotencyStore;

  constructor(scheduled: ScheduledStatusRepository, statuses: StatusService, accounts: AccountService, jobs: JobQueue, idempotency: IdempotencyStore) {
    this.scheduled = scheduled;
    this.statuses = statuses;
    this.accounts = accounts;
    this.jobs = jobs;
    this.idempotency = idempotency;
  }

  /** Checks the post as if it were published now, stores it and sets a job for its time. */
  async schedule(author: Account, input: NewStatus, scheduledAt: Date, options: { idempotencyKey?: string } = {}): Promise<ScheduledStatus> {
    const work = async () => String((await this.scheduleNow(author, input, scheduledAt)).id);
    const id = options.idempotencyKey ? (await runOnce(this.idempotency, author.id, `scheduled:${options.idempotencyKey}`, work)).result : await work();
    const row = await this.scheduled.find(author.id, BigInt(id));
    if (!row) throw notFound("Record");
    return row;
  }

  private async scheduleNow(author: Account, input: NewStatus, scheduledAt: Date) {
    checkTime(scheduledAt);
    const prepared = await this.statuses.prepare(author, input);
    if ((await this.scheduled.count(author.id)) >= MAX_SCHEDULED) throw unprocessable(`Validation failed: You cannot schedule more than ${MAX_SCHEDULED} statuses`);
    const params: ScheduledParams = {
      text: prepared.text,
      visibility: input.visibility ?? "public",
      inReplyToId: prepared.parent ? String(prepared.parent.id) : null,
      spoilerText: input.spoilerText ?? "",
      sensitive: Boolean(input.sensitive),
      language: input.language ?? null,
      poll: input.poll ?? null,
    };
    const row = await this.scheduled.create({ accountId: author.id, scheduledAt, params, mediaIds: prepared.mediaIds });
    await this.enqueue(row);
    return row;
  }

  private enqueue(row: ScheduledStatus) {
    return this.jobs.enqueue(
      "status.publishScheduled",
      { scheduledStatusId: String(row.id) },
      { dedupeKey: `scheduled:${row.id}:${row.scheduledAt.getTime()}`, delayMs: Math.max(0, row.scheduledAt.getTime() - Date.now()) },
    );
  }

  async list(author: Account, range: IdRange) {
    return newestFirst(await this.scheduled.page(author.id, idWhere(range), range.limit, range.minId !== undefined));
  }

  async get(author: Account, id: bigint) {
    const row = await this.scheduled.find(author.id, id);
    if (!row) throw notFound("Record");
    return row;
  }

  async reschedule(author: Account, id: bigint, scheduledAt: Date) {
    const row = await this.get(author, id);
    checkTime(scheduledAt);
    const updated = await this.scheduled.reschedule(row.id, scheduledAt);
    await this.enqueue(updated);
    return updated;
  }

  async cancel(author: Account, id: bigint) {
    const row = await this.get(author, id);
    await this.scheduled.take(row.id);
  }

  /**
   * The job: publishes the post if it is still scheduled for now. A post that
   * can no longer be made (its reply target gone, its media used) is dropped,
   * as Mastodon drops it; anything else is put back for the job's retry.
   */
  async publish(id: bigint): Promise<void> {
    const row = await this.scheduled.findById(id);
    if (!row || row.scheduledAt.getTime() > Date.now() + 1_000) return;
    if (!(await this.scheduled.take(row.id))) return;
    const author = await this.accounts.findById(row.accountId);
    if (!author) return;
    const params = row.params as ScheduledParams;
    try {
      await this.statuses.create(author, {
        text: params.text,
        visibility: params.visibility,
        inReplyToId: params.inReplyToId ? BigInt(params.inReplyToId) : null,
        spoilerText: params.spoilerText,
        sensitive: params.sensitive,
        language: params.language,
        poll: params.poll,
        mediaIds: row.mediaIds,
      });
    } catch (err) {
      if (err instanceof KithError && err.status < 500) return;
      await this.scheduled.create({ id: row.id, accountId: row.accountId, scheduledAt: row.scheduledAt, params: row.params ?? {}, mediaIds: row.mediaIds, createdAt: row.createdAt });
      throw err;
    }
  }
}

function checkTime(at: Date) {
  if (Number.isNaN(at.getTime()) || at.getTime() < Date.now() + MIN_LEAD_MS) {
    throw unprocessable("Validation failed: Scheduled at must be at least 5 minutes in the future");
  }
}
