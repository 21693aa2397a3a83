import type { AccountService } from "../accounts/account.service.ts";
import { AccountDomainBlockRepository } from "../account-domain-blocks/account-domain-block.repository.ts";
import { AccountDomainBlockService } from "../account-domain-blocks/account-domain-block.service.ts";
import type { Config } from "../config.ts";
import { ConversationRepository } from "../conversations/conversation.repository.ts";
import { ConversationService } from "../conversations/conversation.service.ts";
import type { Db } from "../db/client.ts";
import { FilterRepository } from "../filters/filter.repository.ts";
import { FilterService } from "../filters/filter.service.ts";
import { V1FilterService } from "../filters/filter-v1.service.ts";
import type { FollowService } from "../follows/follow.service.ts";
import type { BlockRepository } from "../interactions/block.repository.ts";
import { ListRepository } from "../lists/list.repository.ts";
import { ListService } from "../lists/list.service.ts";
import { MarkerRepository } from "../markers/marker.repository.ts";
import { MarkerService } from "../markers/marker.service.ts";
import { MuteRepository } from "../mutes/mute.repository.ts";
import { MuteService } from "../mutes/mute.service.ts";
import type { NotificationService } from "../notifications/notification.service.ts";
import { SearchRepository } from "../search/search.repository.ts";
import { SearchService } from "../search/search.service.ts";
import type { StatusRepository } from "../statuses/status.repository.ts";
import type { StatusService } from "../statuses/status.service.ts";
import { TagFollowRepository } from "../tags/tag-follow.repository.ts";
import { TagFollowService } from "../tags/tag-follow.service.ts";
import { TimelineRepository } from "./timeline.repository.ts";
import { TimelineService } from "./timeline.service.ts";

// What a reader's view of the instance is built from: timelines and the
// lists, filters, mutes, domain blocks, followed tags, markers, conversations
// and search that shape them.

type Deps = {
  config: Config;
  accounts: AccountService;
  follows: FollowService;
  statuses: StatusService;
  statusRepo: StatusRepository;
  notifications: NotificationService;
  blockRepo: BlockRepository;
};

export function createTimelines(db: Db, deps: Deps) {
  const domainBlockRepo = new AccountDomainBlockRepository(db);
  const mutes = new MuteService(new MuteRepository(db), deps.accounts, deps.blockRepo, domainBlockRepo);
  const filterRepo = new FilterRepository(db);
  const filters = new FilterService(filterRepo, deps.statuses);
  const lists = new ListService(new ListRepository(db), deps.follows, deps.accounts);
  const conversations = new ConversationService(new ConversationRepository(db));
  return {
    mutes,
    lists,
    conversations,
    filters,
    v1Filters: new V1FilterService(filterRepo, filters),
    accountDomainBlocks: new AccountDomainBlockService(domainBlockRepo, deps.follows, deps.config.domain),
    tagFollows: new TagFollowService(new TagFollowRepository(db)),
    markers: new MarkerService(new MarkerRepository(db)),
    search: new SearchService(new SearchRepository(db), deps.accounts, deps.statuses, mutes, deps.config.domain),
    timelines: new TimelineService(new TimelineRepository(db), deps.statusRepo, deps.follows, mutes, lists, conversations, deps.notifications),
  };
}
