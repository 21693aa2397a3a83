import type { Db } from "../db/client.ts";
import type { StatusService } from "../statuses/status.service.ts";
import { LocalPubSub, type PubSub } from "./pubsub.ts";
import { StreamPublisher } from "./stream.publisher.ts";
import { StreamRepository } from "./stream.repository.ts";
import { StreamService } from "./stream.service.ts";

type Deps = {
  localFollowerIds(accountId: bigint): Promise<bigint[]>;
  statuses: StatusService;
  hiddenFor(viewerId: bigint): Promise<bigint[]>;
};

/**
 * Live updates: `events` is the bus services publish to, `streaming` what the
 * web door asks when it delivers. Without a Redis transport (the admin CLI)
 * events stay in the process.
 */
export function createStreaming(db: Db, deps: Deps, pubsub: PubSub = new LocalPubSub()) {
  const repository = new StreamRepository(db);
  return {
    events: new StreamPublisher(pubsub, deps, repository, pubsub.onError),
    streaming: new StreamService(pubsub, deps.statuses, deps.hiddenFor, repository),
  };
}
