import { plainText } from "../statuses/sanitize.ts";
import type { PushedNotification } from "./push-subscription.repository.ts";

// What a push says, in Mastodon's words (its Web::NotificationSerializer and
// English notification_mailer subjects): apps show title and body as they
// are, and fetch the notification by id for more.

const TITLES: Record<string, (name: string) => string> = {
  mention: (name) => `You were mentioned by ${name}`,
  status: (name) => `${name} just posted`,
  reblog: (name) => `${name} boosted your post`,
  follow: (name) => `${name} is now following you`,
  follow_request: (name) => `Pending follower: ${name}`,
  favourite: (name) => `${name} favorited your post`,
  poll: (name) => `A poll by ${name} has ended`,
  update: (name) => `${name} edited a post`,
  "admin.sign_up": (name) => `${name} signed up`,
  "admin.report": (name) => `${name} submitted a report`,
};

const BODY_LENGTH = 140;

/** Rails' truncate: at most 140 characters, the last three "..." when cut. */
function truncate(text: string): string {
  const chars = Array.from(text);
  return chars.length > BODY_LENGTH ? `${chars.slice(0, BODY_LENGTH - 3).join("")}...` : text;
}

export type PushContext = { accessToken: string; locale: string; icon: string };

/** The JSON a push carries. */
export function pushMessage(n: PushedNotification, context: PushContext): string {
  const name = n.fromAccount.displayName.trim() || n.fromAccount.username;
  const source = n.status ? n.status.spoilerText || n.status.content : n.fromAccount.note;
  const fields = {
    access_token: context.accessToken,
    preferred_locale: context.locale,
    notification_id: 0,
    notification_type: n.type,
    icon: context.icon,
    title: (TITLES[n.type] ?? String)(name),
    body: truncate(plainText(source).trim()),
  };
  // Mastodon sends the id as a JSON number; ours exceed 2^53, so it is written out digit for digit.
  return JSON.stringify(fields).replace('"notification_id":0', `"notification_id":${n.id}`);
}
