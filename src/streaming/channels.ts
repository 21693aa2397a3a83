// The pub/sub channels live updates travel on, one per audience, named the way
// Mastodon's streaming server names its Redis channels. Publishers address
// channels; each web process subscribes only to the channels its sockets need.
// Messages carry ids, not entities: the web process renders each one for the
// user who receives it.

export type StreamMessage =
  | { event: "update" | "status.update" | "delete"; statusId: string }
  | { event: "notification"; notificationId: string }
  | { event: "conversation"; statusId: string }
  | { event: "filters_changed" };

export type Addressed<M = StreamMessage> = { channel: string; message: M };

/** Hashtags are matched the way they are stored: lowercase, without the `#`. */
export function normalizeTag(tag: string): string {
  return tag.replace(/^#/, "").normalize("NFKC").toLowerCase();
}

export const channels = {
  /** Home timeline updates, deletes, edits and filter changes of one account. */
  home: (accountId: bigint | string) => `timeline:${accountId}`,
  notifications: (accountId: bigint | string) => `timeline:${accountId}:notifications`,
  public: "timeline:public",
  publicLocal: "timeline:public:local",
  publicRemote: "timeline:public:remote",
  hashtag: (tag: string, localOnly: boolean) => `timeline:hashtag:${normalizeTag(tag)}${localOnly ? ":local" : ""}`,
  list: (listId: bigint | string) => `timeline:list:${listId}`,
  direct: (accountId: bigint | string) => `timeline:direct:${accountId}`,
};
