import type { StatusView } from "../statuses/status.repository.ts";
import type { Listener, PubSub } from "./pubsub.ts";
import type { StreamRepository } from "./stream.repository.ts";

type Statuses = {
  findById(id: bigint): Promise<StatusView | null>;
  canSee(status: StatusView, viewerId: bigint | null): Promise<boolean>;
};

/** Accounts whose posts a viewer never sees: blocked either way, or muted. */
type HiddenFor = (viewerId: bigint) => Promise<bigint[]>;

// What the web door asks before it shows a live update to someone: the same
// rules as the timelines it mirrors, checked when the message is delivered,
// because who blocks or mutes whom can change after a post was fanned out.

export class StreamService {
  private readonly pubsub: PubSub;
  private readonly statuses: Statuses;
  private readonly hiddenFor: HiddenFor;
  private readonly repository: StreamRepository;
  /** Whether a domain the viewer blocks hides the status; set by the core once domain blocks exist. */
  hiddenByDomain: (viewerId: bigint, status: StatusView) => Promise<boolean> = async () => false;

  constructor(pubsub: PubSub, statuses: Statuses, hiddenFor: HiddenFor, repository: StreamRepository) {
    this.pubsub = pubsub;
    this.statuses = statuses;
    this.hiddenFor = hiddenFor;
    this.repository = repository;
  }

  subscribe(channel: string, listener: Listener) {
    return this.pubsub.subscribe(channel, listener);
  }

  unsubscribe(channel: string, listener: Listener) {
    return this.pubsub.unsubscribe(channel, listener);
  }

  findStatus(id: bigint) {
    return this.statuses.findById(id);
  }

  /**
   * Whether the viewer may be shown the status live: they may see it (and what
   * it reblogs), and neither its author, the reblogged author nor anyone it
   * mentions is blocked (either way) or muted by them, nor does a domain they
   * block hide it. Their own posts always pass.
   */
  async deliverable(status: StatusView, viewerId: bigint): Promise<boolean> {
    if (!(await this.statuses.canSee(status, viewerId))) return false;
    if (status.reblogOf && !(await this.statuses.canSee(status.reblogOf as StatusView, viewerId))) return false;
    if (status.accountId === viewerId) return true;
    const involved = [status.accountId, ...status.mentions.map((m) => m.accountId)];
    if (status.reblogOf) involved.push(status.reblogOf.accountId, ...status.reblogOf.mentions.map((m) => m.accountId));
    const hidden = new Set(await this.hiddenFor(viewerId));
    if (involved.some((id) => id !== viewerId && hidden.has(id))) return false;
    return !(await this.hiddenByDomain(viewerId, status));
  }

  /** The viewer's own view of the conversation a direct status belongs to. */
  conversationOf(viewerId: bigint, status: StatusView) {
    return status.conversationId === null ? Promise.resolve(null) : this.repository.accountConversation(viewerId, status.conversationId);
  }
}
