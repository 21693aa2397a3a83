import { AccountRepository } from "./accounts/account.repository.ts";
import { AccountService } from "./accounts/account.service.ts";
import { KeyStore } from "./accounts/key.store.ts";
import { TokenRepository } from "./auth/token.repository.ts";
import { TokenService } from "./auth/token.service.ts";
import type { Config } from "./config.ts";
import type { Db } from "./db/client.ts";
import { FollowRepository } from "./follows/follow.repository.ts";
import { FollowService } from "./follows/follow.service.ts";
import { BlockRepository } from "./interactions/block.repository.ts";
import { BlockService } from "./interactions/block.service.ts";
import { FavouriteRepository } from "./interactions/favourite.repository.ts";
import { FavouriteService } from "./interactions/favourite.service.ts";
import type { JobQueue } from "./jobs/jobs.ts";
import { NotificationRepository } from "./notifications/notification.repository.ts";
import { NotificationService } from "./notifications/notification.service.ts";
import { InstanceRepository } from "./instance/instance.repository.ts";
import { SettingsService } from "./instance/settings.ts";
import { StatusRepository } from "./statuses/status.repository.ts";
import { StatusService } from "./statuses/status.service.ts";
import { TimelineRepository } from "./timelines/timeline.repository.ts";
import { TimelineService } from "./timelines/timeline.service.ts";
import { LocalUrls } from "./urls.ts";

/** Fetches a post by URL from its server (set by the federation door). */
export type StatusResolver = { resolveStatus(uri: string): Promise<import("./statuses/status.repository.ts").StatusView | null> };

/** The domain core: every door (HTTP, federation, workers) talks to these services. */
export type Core = ReturnType<typeof createCore>;

export function createCore(config: Config, db: Db, jobs: JobQueue) {
  const urls = new LocalUrls(config.publicUrl);
  const accountRepo = new AccountRepository(db);
  const blockRepo = new BlockRepository(db);
  const followRepo = new FollowRepository(db);
  const statusRepo = new StatusRepository(db);
  const notifications = new NotificationService(new NotificationRepository(db));
  const accounts = new AccountService(accountRepo, urls, config.domain, jobs);
  const follows = new FollowService(followRepo, blockRepo, accounts, notifications, jobs, urls);
  const statuses = new StatusService(statusRepo, accounts, blockRepo, notifications, jobs, urls, (a, b) => followRepo.isFollowing(a, b));
  return {
    config,
    urls,
    jobs,
    keys: new KeyStore(accountRepo),
    accountRepo,
    accounts,
    tokens: new TokenService(new TokenRepository(db)),
    follows,
    statuses,
    notifications,
    favourites: new FavouriteService(new FavouriteRepository(db), statuses, blockRepo, notifications, jobs, urls),
    blocks: new BlockService(blockRepo, accounts, follows, jobs, urls),
    timelines: new TimelineService(new TimelineRepository(db), statusRepo, follows, blockRepo),
    instance: new InstanceRepository(db),
    settings: new SettingsService(db),
    resolver: null as StatusResolver | null,
  };
}
