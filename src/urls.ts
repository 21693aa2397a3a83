// Where local things live. The federation door registers Fedify's routes from
// the same templates, so an id minted here is always one Kith can serve.

export const paths = {
  actor: "/users/{identifier}",
  inbox: "/users/{identifier}/inbox",
  sharedInbox: "/inbox",
  outbox: "/users/{identifier}/outbox",
  followers: "/users/{identifier}/followers",
  following: "/users/{identifier}/following",
  featured: "/users/{identifier}/collections/featured",
  status: "/users/{identifier}/statuses/{id}",
  missingAvatar: "/avatars/original/missing.png",
  missingHeader: "/headers/original/missing.png",
} as const;

export class LocalUrls {
  readonly origin: string;
  constructor(publicUrl: URL) {
    this.origin = publicUrl.origin;
  }
  actor(username: string) {
    return `${this.origin}/users/${username}`;
  }
  profile(username: string) {
    return `${this.origin}/@${username}`;
  }
  actorEndpoints(username: string) {
    const a = this.actor(username);
    return {
      inboxUrl: `${a}/inbox`,
      sharedInboxUrl: `${this.origin}/inbox`,
      outboxUrl: `${a}/outbox`,
      followersUrl: `${a}/followers`,
      followingUrl: `${a}/following`,
      featuredUrl: `${a}/collections/featured`,
    };
  }
  status(username: string, id: bigint) {
    return `${this.actor(username)}/statuses/${id}`;
  }
  statusPage(username: string, id: bigint) {
    return `${this.profile(username)}/${id}`;
  }
  follow(id: bigint) {
    return `${this.followPrefix()}${id}`;
  }
  /** A local follow's URI is this and its id (bulk writes build it in SQL). */
  followPrefix() {
    return `${this.origin}/activities/follows/`;
  }
  like(username: string, id: bigint) {
    return `${this.actor(username)}#likes/${id}`;
  }
  block(username: string, id: bigint) {
    return `${this.actor(username)}#blocks/${id}`;
  }
  /** Mastodon's picture for accounts without an avatar. */
  missingAvatar() {
    return `${this.origin}${paths.missingAvatar}`;
  }
  /** Mastodon's picture for accounts without a header. */
  missingHeader() {
    return `${this.origin}${paths.missingHeader}`;
  }
  isLocal(uri: string): boolean {
    try {
      return new URL(uri).origin === this.origin;
    } catch {
      return false;
    }
  }
}
