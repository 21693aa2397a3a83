import type { Account } from "../../src/accounts/account.repository.ts";
import { hasScope } from "../../src/auth/scopes.ts";
import type { Core } from "../../src/core.ts";
import { KithError, notFound } from "../../src/errors.ts";
import { parseId } from "../../src/ids.ts";
import type { FilterContext } from "../../src/filters/filter.service.ts";
import { channels, normalizeTag } from "../../src/streaming/channels.ts";

// Mastodon's stream names: what a client asks for (`stream`, `tag`, `list`),
// the scope it needs, the channels that feed it and the `stream` array its
// messages carry.

export type StreamRequest = { stream?: unknown; tag?: unknown; list?: unknown };

export type Stream = {
  /** The `stream` field of every message, e.g. ["hashtag", "cats"]. */
  label: string[];
  channels: string[];
  onlyMedia: boolean;
  /** Which of the user's filters apply, as on the matching timeline. */
  filterContext: FilterContext;
};

const PUBLIC = {
  public: [channels.public],
  "public:local": [channels.publicLocal],
  "public:remote": [channels.publicRemote],
} as const;

/** Public timelines need no scope, as on Mastodon; the rest need read:statuses, notifications read:notifications. */
function requiredScope(name: string): string | null {
  if (name.startsWith("public") || name.startsWith("hashtag")) return null;
  return name === "user:notification" ? "read:notifications" : "read:statuses";
}

/** The scopes without which a token cannot open the streaming API at all. */
export function mayStream(scopes: string[]): boolean {
  return ["read:statuses", "read:notifications"].some((s) => hasScope(scopes, s));
}

export async function resolveStream(core: Core, account: Account, scopes: string[], request: StreamRequest): Promise<Stream> {
  const name = typeof request.stream === "string" ? request.stream : "";
  const scope = requiredScope(name);
  if (scope && !hasScope(scopes, scope)) throw new KithError(403, "Access token does not have the required scopes");
  const media = name.endsWith(":media");
  const base = media ? name.slice(0, -":media".length) : name;
  if (base in PUBLIC) return { label: [name], channels: [...PUBLIC[base as keyof typeof PUBLIC]], onlyMedia: media, filterContext: "public" };
  switch (name) {
    case "user":
      // The user stream carries notifications only for tokens that may read them (Mastodon does the same).
      return {
        label: [name],
        channels: [channels.home(account.id), ...(hasScope(scopes, "read:notifications") ? [channels.notifications(account.id)] : [])],
        onlyMedia: false,
        filterContext: "home",
      };
    case "user:notification":
      return { label: [name], channels: [channels.notifications(account.id)], onlyMedia: false, filterContext: "notifications" };
    case "direct":
      return { label: [name], channels: [channels.direct(account.id)], onlyMedia: false, filterContext: "thread" };
    case "hashtag":
    case "hashtag:local": {
      const tag = typeof request.tag === "string" ? normalizeTag(request.tag) : "";
      if (!tag) throw new KithError(400, "Missing tag name parameter");
      return { label: [name, tag], channels: [channels.hashtag(tag, name === "hashtag:local")], onlyMedia: false, filterContext: "public" };
    }
    case "list": {
      const raw = typeof request.list === "string" ? request.list : typeof request.list === "number" ? String(request.list) : "";
      if (!raw) throw new KithError(400, "Missing list name parameter");
      const id = parseId(raw);
      if (id === null) throw notFound("List");
      await core.lists.get(account.id, id);
      return { label: [name, String(id)], channels: [channels.list(id)], onlyMedia: false, filterContext: "home" };
    }
    default:
      throw new KithError(400, "Unknown stream type");
  }
}

/**
 * The event-stream endpoints, `/api/v1/streaming/<path>`, and the stream each
 * serves; `only_media` picks the `:media` variant of the public ones (Mastodon's `channelNameFromPath`).
 */
export const EVENT_STREAM_PATHS: Readonly<Record<string, string>> = {
  user: "user",
  "user/notification": "user:notification",
  public: "public",
  "public/local": "public:local",
  "public/remote": "public:remote",
  hashtag: "hashtag",
  "hashtag/local": "hashtag:local",
  list: "list",
  direct: "direct",
};

export function eventStreamName(path: string, onlyMedia: boolean): string {
  const name = EVENT_STREAM_PATHS[path]!;
  return onlyMedia && name in PUBLIC ? `${name}:media` : name;
}
