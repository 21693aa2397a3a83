import type { Core } from "../../src/core.ts";
import type { StreamMessage } from "../../src/streaming/channels.ts";
import type { StatusView } from "../../src/statuses/status.repository.ts";
import type { Account } from "../../src/accounts/account.repository.ts";
import { serializeConversations } from "../serializers/conversation.ts";
import { serializeNotifications } from "../serializers/notification.ts";
import { serializeTimeline } from "../serializers/timeline.ts";
import type { Stream } from "./streams.ts";

/** One Mastodon streaming event, before the `stream` array is added. */
export type Rendered = { event: string; payload?: string };

const hasMedia = (s: StatusView) => {
  const own = s.reblogOf ?? s;
  return own.media.length > 0 || (Array.isArray(own.attachments) && own.attachments.length > 0);
};

// Renders what arrives on a channel for one receiving user, as Mastodon's
// entities with that user's flags (favourited, reblogged...) and filters (the
// stream's filter context). A message the user must not see, or that a "hide"
// filter catches, renders to null and is dropped.

export class StreamRenderer {
  private readonly core: Core;
  /** Every socket on a channel gets the same message object: the status is loaded once per message. */
  private readonly statuses = new WeakMap<StreamMessage, Promise<StatusView | null>>();

  constructor(core: Core) {
    this.core = core;
  }

  async render(message: StreamMessage, stream: Stream, viewer: Account): Promise<Rendered | null> {
    const viewerId = viewer.id;
    switch (message.event) {
      case "delete":
        return { event: "delete", payload: message.statusId };
      case "filters_changed":
        return { event: "filters_changed" };
      case "notification": {
        const row = await this.core.notifications.get(viewerId, BigInt(message.notificationId));
        const [entity] = row ? await serializeNotifications(this.core, [row], viewerId) : [];
        return entity ? { event: "notification", payload: JSON.stringify(entity) } : null;
      }
      case "update":
      case "status.update": {
        const status = await this.deliverable(message, message.statusId, viewerId);
        if (!status || (stream.onlyMedia && !hasMedia(status))) return null;
        const [entity] = await serializeTimeline(this.core, [status], viewerId, stream.filterContext);
        return entity ? { event: message.event, payload: JSON.stringify(entity) } : null;
      }
      case "conversation": {
        const status = await this.deliverable(message, message.statusId, viewerId);
        const conversation = status && (await this.core.streaming.conversationOf(viewerId, status));
        if (!status || !conversation) return null;
        const [entity] = await serializeConversations(this.core, [conversation], viewer);
        return entity ? { event: "conversation", payload: JSON.stringify(entity) } : null;
      }
    }
  }

  private async deliverable(message: StreamMessage, statusId: string, viewerId: bigint) {
    let loading = this.statuses.get(message);
    if (!loading) {
      loading = this.core.streaming.findStatus(BigInt(statusId));
      this.statuses.set(message, loading);
    }
    const status = await loading;
    return status && (await this.core.streaming.deliverable(status, viewerId)) ? status : null;
  }
}
