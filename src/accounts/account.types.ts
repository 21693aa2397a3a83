// Domain shapes of actors as the core sees them, whatever wire format they came in.

export type ProfileField = { name: string; value: string; verifiedAt?: string | null };

export type RemoteActorData = {
  uri: string;
  username: string;
  domain: string;
  url: string | null;
  actorType: string;
  displayName: string;
  note: string;
  avatarUrl: string | null;
  headerUrl: string | null;
  locked: boolean;
  bot: boolean;
  discoverable: boolean;
  fields: ProfileField[];
  inboxUrl: string;
  sharedInboxUrl: string | null;
  outboxUrl: string | null;
  followersUrl: string | null;
  followingUrl: string | null;
  featuredUrl: string | null;
  publicKeyPem: string | null;
  publicKeyId: string | null;
  movedToUri: string | null;
  alsoKnownAs: string[];
};

/** Reaches other servers for the core (implemented by the federation door). */
export interface RemoteDirectory {
  /** WebFinger acct:username@host, then the actor document. */
  resolveHandle(username: string, host: string): Promise<RemoteActorData | null>;
  fetchActor(uri: string): Promise<RemoteActorData | null>;
}
