import type { Visibility } from "../generated/prisma/enums.ts";
import type { NewPoll } from "../polls/poll.rules.ts";

export type { Visibility };

export type Attachment = {
  type: "image" | "video" | "gifv" | "audio" | "unknown";
  url: string;
  mediaType: string | null;
  description: string | null;
  blurhash: string | null;
  width: number | null;
  height: number | null;
  /** Mastodon's focal point, each axis from -1 to 1. */
  focus?: { x: number; y: number } | null;
};

/** A remote poll (a Question) with the counts its server reported. */
export type RemotePoll = {
  options: string[];
  votes: number[];
  votersCount: number | null;
  multiple: boolean;
  expiresAt: Date | null;
};

/** A post as another server described it, already mapped from its wire format. */
export type RemoteStatusData = {
  uri: string;
  url: string | null;
  content: string;
  spoilerText: string;
  sensitive: boolean;
  visibility: Visibility;
  language: string | null;
  inReplyToUri: string | null;
  mentionUris: string[];
  tags: string[];
  attachments: Attachment[];
  poll?: RemotePoll | null;
  published: Date;
  updated: Date | null;
};

export type NewStatus = {
  text: string;
  visibility?: Visibility;
  inReplyToId?: bigint | null;
  spoilerText?: string;
  sensitive?: boolean;
  language?: string | null;
  /** Local media of the author, not yet posted (at most four). */
  mediaIds?: bigint[];
  /** Exclusive with media. */
  poll?: NewPoll | null;
};

/** What an edit may change; absent fields stay as they are, `poll: null` removes the poll. */
export type StatusEdits = Partial<Pick<NewStatus, "text" | "spoilerText" | "sensitive" | "language" | "mediaIds">> & {
  poll?: NewPoll | null;
  /** Alt text and focal points of media already attached (Mastodon's media_attributes). */
  mediaAttributes?: { id: bigint; description?: string | null; focus?: string | null }[];
};
