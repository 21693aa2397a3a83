import type { Redis } from "ioredis";
import type { AccountService } from "../accounts/account.service.ts";
import { BookmarkRepository } from "../bookmarks/bookmark.repository.ts";
import { BookmarkService } from "../bookmarks/bookmark.service.ts";
import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import type { JobQueue } from "../jobs/jobs.ts";
import { ImageProcessor } from "../media/image-processor.ts";
import { MediaRepository } from "../media/media.repository.ts";
import { MediaService } from "../media/media.service.ts";
import type { NotificationService } from "../notifications/notification.service.ts";
import { DiskMediaStore, type MediaStore } from "../media/media.store.ts";
import { PinRepository } from "../pins/pin.repository.ts";
import { PinService } from "../pins/pin.service.ts";
import { PollRepository } from "../polls/poll.repository.ts";
import { PollService } from "../polls/poll.service.ts";
import { MemoryIdempotencyStore, RedisIdempotencyStore } from "./idempotency.ts";
import { ScheduledStatusRepository } from "./scheduled-status.repository.ts";
import { ScheduledStatusService } from "./scheduled-status.service.ts";
import type { StatusDeps, StatusService } from "./status.service.ts";
import { ThreadMuteRepository } from "./thread-mute.repository.ts";

// Wires the parts of a status that live beside it: media, polls, scheduled
// posts, bookmarks, pins, thread mutes and idempotency keys.

/** What the status service itself needs; without Redis (the admin CLI) idempotency keys live in memory. */
export function createStatusDeps(db: Db, config: Config, jobs: JobQueue, redis?: Redis, store: MediaStore = new DiskMediaStore(config.mediaDir, config.publicUrl.origin)): StatusDeps {
  return {
    media: new MediaService(new MediaRepository(db), store, config.mediaMaxBytes, jobs, new ImageProcessor()),
    threads: new ThreadMuteRepository(db),
    idempotency: redis ? new RedisIdempotencyStore(redis, config.redisPrefix) : new MemoryIdempotencyStore(),
    pollLimits: { maxOptions: config.pollMaxOptions, minExpiresIn: config.pollMinExpiresIn },
  };
}

export function createStatusFeatures(db: Db, deps: StatusDeps, core: { statuses: StatusService; accounts: AccountService; jobs: JobQueue; notifications: NotificationService }) {
  return {
    media: deps.media,
    polls: new PollService(new PollRepository(db), core.statuses, core.jobs, core.notifications),
    scheduledStatuses: new ScheduledStatusService(new ScheduledStatusRepository(db), core.statuses, core.accounts, core.jobs, deps.idempotency),
    bookmarks: new BookmarkService(new BookmarkRepository(db), core.statuses),
    pins: new PinService(new PinRepository(db), core.statuses),
  };
}
