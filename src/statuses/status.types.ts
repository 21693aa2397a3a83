import type { Visibility } from "../generated/prisma/enums.ts";

export type { Visibility };

export type Attachment = {
  type: "image" | "video" | "gifv" | "audio" | "unknown";
  url: string;
  mediaType: string | null;
  description: string | null;
  blurhash: string | null;
  width: number | null;
  height: number | null;
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
};
