import type { StatusView } from "../statuses/status.repository.ts";
import { channels, type Addressed, type StreamMessage } from "./channels.ts";
import type { DomainEvent, EventBus } from "./events.ts";
import type { PubSub } from "./pubsub.ts";
import type { StreamRepository } from "./stream.repository.ts";

// Turns what happened into messages on the channels of everyone who may have
// the status, the way Mastodon's fan-out and removal services address its
// streaming server. Who may *see* a message is checked again per socket, with
// blocks and mutes, when the web process renders it.

type Audience = {
  localFollowerIds(accountId: bigint): Promise<bigint[]>;
};

export class StreamPublisher implements EventBus {
  private readonly pubsub: PubSub;
  private readonly audience: Audience;
  private readonly lists: StreamRepository;
  private readonly onError: (err: unknown) => void;

  constructor(pubsub: PubSub, audience: Audience, lists: StreamRepository, onError: (err: unknown) => void) {
    this.pubsub = pubsub;
    this.audience = audience;
    this.lists = lists;
    this.onError = onError;
  }

  /** Never throws: the write it reports has already happened. */
  async publish(event: DomainEvent): Promise<void> {
    try {
      await this.pubsub.publish(await this.address(event));
    } catch (err) {
      this.onError(err);
    }
  }

  private async address(event: DomainEvent): Promise<Addressed[]> {
    switch (event.type) {
      case "status.distributed": {
        const { status } = event;
        const update: StreamMessage = { event: "update", statusId: String(status.id) };
        const direct: StreamMessage = { event: "conversation", statusId: String(status.id) };
        return [
          ...to(event.homeAccountIds.map(channels.home), update),
          ...to(broadcast(status), update),
          ...to(event.listIds.map(channels.list), update),
          ...to(status.visibility === "direct" ? localParticipants(status).map(channels.direct) : [], direct),
        ];
      }
      case "status.edited": {
        const statusId = String(event.status.id);
        const { timelines, direct } = await this.mayHave(event.status);
        // Direct streams carry conversations, as Mastodon's do when a direct status changes.
        return [...to(timelines, { event: "status.update", statusId }), ...to(direct, { event: "conversation", statusId })];
      }
      case "status.deleted": {
        const { timelines, direct } = await this.mayHave(event.status);
        return to([...timelines, ...direct], { event: "delete", statusId: String(event.status.id) });
      }
      case "notification.created":
        return [{ channel: channels.notifications(event.accountId), message: { event: "notification", notificationId: String(event.notificationId) } }];
      case "filters.changed":
        return [{ channel: channels.home(event.accountId), message: { event: "filters_changed" } }];
    }
  }

  /** Every channel the status could have reached when it was distributed. */
  private async mayHave(status: StatusView): Promise<{ timelines: string[]; direct: string[] }> {
    if (status.visibility === "direct") {
      const participants = localParticipants(status);
      return { timelines: participants.map(channels.home), direct: participants.map(channels.direct) };
    }
    const homes = new Set([...localParticipants(status), ...(await this.audience.localFollowerIds(status.accountId))]);
    const lists = await this.lists.listsWithMember(status.accountId);
    return { timelines: [...[...homes].map(channels.home), ...broadcast(status), ...lists.map(channels.list)], direct: [] };
  }
}

function to(channelNames: string[], message: StreamMessage): Addressed[] {
  return channelNames.map((channel) => ({ channel, message }));
}

/** The author, if local, and the local accounts it mentions. */
function localParticipants(status: StatusView): bigint[] {
  const ids = status.mentions.filter((m) => m.account.domain === null).map((m) => m.accountId);
  if (status.account.domain === null) ids.unshift(status.accountId);
  return [...new Set(ids)];
}

/**
 * The public and hashtag timelines: public, original (not reblogged) posts of
 * accounts that are neither silenced nor suspended (Mastodon's `broadcastable?`).
 */
function broadcast(status: StatusView): string[] {
  if (status.visibility !== "public" || status.reblogOfId !== null) return [];
  if (status.account.silencedAt || status.account.suspendedAt) return [];
  const tags = status.tags.map((t) => t.tag.name);
  return [
    channels.public,
    status.local ? channels.publicLocal : channels.publicRemote,
    ...tags.map((tag) => channels.hashtag(tag, false)),
    ...(status.local ? tags.map((tag) => channels.hashtag(tag, true)) : []),
  ];
}
