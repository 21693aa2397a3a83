import { AccountRepository } from "./accounts/account.repository.ts";
import { AccountService } from "./accounts/account.service.ts";
import { AliasRepository } from "./accounts/alias.repository.ts";
import { AliasService } from "./accounts/alias.service.ts";
import { AccountNoteRepository } from "./account-notes/account-note.repository.ts";
import { AccountNoteService } from "./account-notes/account-note.service.ts";
import { KeyStore } from "./accounts/key.store.ts";
import { TokenRepository } from "./auth/token.repository.ts";
import { TokenService } from "./auth/token.service.ts";
import { createAuth } from "./auth/auth.module.ts";
import { createRegistration } from "./registration/registration.module.ts";
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
import { SettingsService, type SettingsChanged } from "./instance/settings.ts";
import { RuleRepository } from "./instance/rule.repository.ts";
import { RuleService } from "./instance/rule.service.ts";
import { createDomainPolicy, createModeration } from "./moderation/moderation.module.ts";
import { createPush } from "./push/push.module.ts";
import { StatusRepository } from "./statuses/status.repository.ts";
import { StatusService } from "./statuses/status.service.ts";
import { SuggestionRepository } from "./suggestions/suggestion.repository.ts";
import { SuggestionService } from "./suggestions/suggestion.service.ts";
import { createStatusDeps, createStatusFeatures } from "./statuses/statuses.module.ts";
import type { Redis } from "ioredis";
import { createTimelines } from "./timelines/timelines.module.ts";
import type { PubSub } from "./streaming/pubsub.ts";
import { createStreaming } from "./streaming/streaming.module.ts";
import { LocalUrls } from "./urls.ts";
import { MoveRepository } from "./moves/move.repository.ts";
import { MoveService } from "./moves/move.service.ts";
import { PortabilityRepository } from "./portability/portability.repository.ts";
import { CsvPortabilityService } from "./portability/csv.service.ts";
import { IdentityRepository } from "./identity/identity.repository.ts";
import { IdentityService } from "./identity/identity.service.ts";

/** Fetches a post by URL from its server (set by the federation door). */
export type StatusResolver = { resolveStatus(uri: string): Promise<import("./statuses/status.repository.ts").StatusView | null> };

/** The domain core: every door (HTTP, federation, workers) talks to these services. */
export type Core = ReturnType<typeof createCore>;

/**
 * What the core shares with the instance's other processes through Redis;
 * without it (the admin CLI, unit tests) each stays in the process.
 */
export type Shared = {
  redis?: Redis;
  /** Live updates for the streaming API. */
  pubsub?: PubSub;
  /** Settings changes, so every process drops its cached copy. */
  settingsChanges?: PubSub<SettingsChanged>;
};

export function createCore(config: Config, db: Db, jobs: JobQueue, { redis, pubsub, settingsChanges }: Shared = {}) {
  const urls = new LocalUrls(config.publicUrl);
  const accountRepo = new AccountRepository(db);
  const blockRepo = new BlockRepository(db);
  const followRepo = new FollowRepository(db);
  const statusRepo = new StatusRepository(db);
  const notifications = new NotificationService(new NotificationRepository(db));
  const accounts = new AccountService(accountRepo, urls, config.domain, jobs);
  const follows = new FollowService(followRepo, blockRepo, accounts, notifications, jobs, urls);
  const tokens = new TokenService(new TokenRepository(db));
  const settings = new SettingsService(db, settingsChanges);
  const domainPolicy = createDomainPolicy(db, settings, config.domain);
  accounts.domainGate = domainPolicy;
  const accountsIn = (tx: Db) => new AccountService(new AccountRepository(tx), urls, config.domain, jobs);
  const statusDeps = createStatusDeps(db, config, jobs, redis);
  accounts.images = statusDeps.media;
  const statuses = new StatusService(statusRepo, accounts, blockRepo, notifications, jobs, urls, (a, b) => followRepo.isFollowing(a, b), statusDeps);
  const reading = createTimelines(db, { config, accounts, follows, statuses, statusRepo, notifications, blockRepo });
  follows.domainBlocks = reading.accountDomainBlocks;
  statuses.distribute = (status) => reading.timelines.distribute(status);
  const live = createStreaming(db, { localFollowerIds: (id) => followRepo.localFollowerIds(id), statuses, hiddenFor: (id) => reading.mutes.hiddenFor(id) }, pubsub);
  for (const service of [statuses, notifications, reading.timelines, reading.filters]) service.events = live.events;
  live.streaming.hiddenByDomain = (viewerId, status) => reading.accountDomainBlocks.hides(viewerId, status);
  const moderation = createModeration(db, { policy: domainPolicy, accounts, notifications, settings, jobs, origin: urls.origin, isFollowing: (a, b) => followRepo.isFollowing(a, b) });
  reading.search.searchable = moderation.searchable;
  const push = createPush(db, { config, settings, jobs, urls, isFollowing: (a, b) => followRepo.isFollowing(a, b) });
  notifications.onCreated = (n) => push.delivery.notificationCreated(n);
  const auth = createAuth(db, tokens, redis, config.redisPrefix);
  const blocks = new BlockService(blockRepo, accounts, follows, jobs, urls);
  const moves = new MoveService(
    new MoveRepository(db),
    { accounts, blocks, mutes: reading.mutes, notifications, jobs, passwords: auth.signIn },
    { cooldownDays: config.moveCooldownDays, localDomain: config.domain, followUriPrefix: urls.followPrefix() },
  );
  const statusFeatures = createStatusFeatures(db, statusDeps, { statuses, accounts, jobs, notifications });
  const csv = new CsvPortabilityService(new PortabilityRepository(db), {
    accounts,
    follows,
    blocks,
    mutes: reading.mutes,
    domainBlocks: reading.accountDomainBlocks,
    bookmarks: statusFeatures.bookmarks,
    lists: reading.lists,
    statuses,
    jobs,
    localDomain: config.domain,
  });
  return {
    config,
    urls,
    jobs,
    keys: new KeyStore(accountRepo),
    accountRepo,
    accounts,
    aliases: new AliasService(new AliasRepository(db), accounts, jobs, config.domain),
    tokens,
    ...auth,
    ...createRegistration(db, { accountsIn, settings, tokens, follows }),
    follows,
    statuses,
    ...statusFeatures,
    notifications,
    favourites: new FavouriteService(new FavouriteRepository(db), statuses, blockRepo, notifications, jobs, urls),
    blocks,
    moves,
    csv,
    identity: new IdentityService(new IdentityRepository(db), accounts, jobs),
    accountNotes: new AccountNoteService(new AccountNoteRepository(db), accounts),
    suggestions: new SuggestionService(new SuggestionRepository(db), accounts),
    ...reading,
    ...live,
    instance: new InstanceRepository(db),
    settings,
    rules: new RuleService(new RuleRepository(db)),
    moderation,
    push,
    resolver: null as StatusResolver | null,
  };
}
