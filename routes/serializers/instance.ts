import type { Account } from "../../src/accounts/account.repository.ts";
import type { Core } from "../../src/core.ts";
import type { Rule } from "../../src/instance/rule.repository.ts";
import type { Settings } from "../../src/instance/settings.ts";
import { MAX_IMAGE_PIXELS } from "../../src/media/image-probe.ts";
import { MAX_DESCRIPTION, MAX_MEDIA_PER_STATUS } from "../../src/media/media.service.ts";
import { POLL_MAX_EXPIRES_IN, POLL_MAX_OPTION_CHARS } from "../../src/polls/poll.rules.ts";
import { MAX_CHARS } from "../../src/statuses/status.service.ts";
import { plainTextToHtml } from "../pages/text.ts";
import { serializeAccount } from "./account.ts";
import { serializeRule } from "./rule.ts";

// Mastodon's Instance entities (GET /api/v2/instance and the older V1::Instance).

/** Mastodon 4.3's API as Kith speaks it; clients read the leading version for features. */
export const COMPATIBLE_VERSION = "4.3.0 (compatible; Kith 0.1.0)";
const SUPPORTED_MIME_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"];

export type InstanceFacts = {
  settings: Settings;
  rules: Rule[];
  usage: Awaited<ReturnType<Core["instance"]["usage"]>>;
  contact: Account | null;
  /** The Web Push (VAPID) public key apps subscribe with. */
  vapidKey: string;
};

/** What both instance entities and the /about page are made of. */
export async function loadInstance(core: Core): Promise<InstanceFacts> {
  const [settings, rules, usage, vapidKey] = await Promise.all([core.settings.all(), core.rules.list(), core.instance.usage(), core.push.vapid.publicKey()]);
  const id = settings.contactAccountId ? BigInt(settings.contactAccountId) : null;
  const found = id !== null ? await core.accounts.findById(id) : null;
  return { settings, rules, usage, vapidKey, contact: found && !found.suspendedAt && found.domain === null ? found : null };
}

/** open and approval take sign-ups (Mastodon's "open" and "approved" modes); invite and closed do not. */
export const registrationsOpen = (s: Settings) => s.registrationMode === "open" || s.registrationMode === "approval";

function thumbnailOf(core: Core, s: Settings) {
  return s.thumbnailUrl || `${core.urls.origin}/instance/thumbnail.png`;
}

function streamingUrl(core: Core) {
  return core.urls.origin.replace(/^http/, "ws");
}

function limits(core: Core) {
  const maxBytes = core.config.mediaMaxBytes;
  return {
    statuses: { max_characters: MAX_CHARS, max_media_attachments: MAX_MEDIA_PER_STATUS, characters_reserved_per_url: 23 },
    media_attachments: {
      supported_mime_types: SUPPORTED_MIME_TYPES,
      description_limit: MAX_DESCRIPTION,
      image_size_limit: maxBytes,
      image_matrix_limit: MAX_IMAGE_PIXELS,
      video_size_limit: 0,
      video_frame_rate_limit: 0,
      video_matrix_limit: 0,
    },
    polls: { max_options: core.config.pollMaxOptions, max_characters_per_option: POLL_MAX_OPTION_CHARS, min_expiration: core.config.pollMinExpiresIn, max_expiration: POLL_MAX_EXPIRES_IN },
  };
}

export function serializeInstanceV2(core: Core, f: InstanceFacts) {
  const s = f.settings;
  const l = limits(core);
  return {
    domain: core.config.domain,
    title: s.title,
    version: COMPATIBLE_VERSION,
    // Kith has no public repository address to give yet.
    source_url: "",
    description: s.shortDescription,
    usage: { users: { active_month: f.usage.activeMonth } },
    thumbnail: { url: thumbnailOf(core, s), blurhash: null, versions: {} },
    icon: [],
    languages: s.languages,
    configuration: {
      urls: {
        streaming: streamingUrl(core),
        status: null,
        about: `${core.urls.origin}/about`,
        privacy_policy: s.privacyPolicy ? `${core.urls.origin}/privacy` : null,
        terms_of_service: s.terms ? `${core.urls.origin}/terms` : null,
      },
      vapid: { public_key: f.vapidKey },
      accounts: {
        max_display_name_length: 30,
        max_note_length: 500,
        max_featured_tags: 10,
        max_pinned_statuses: 5,
        max_profile_fields: 4,
        profile_field_name_limit: 255,
        profile_field_value_limit: 255,
      },
      ...l,
      translation: { enabled: false },
      timelines_access: {
        live_feeds: { local: "public", remote: "public" },
        hashtag_feeds: { local: "public", remote: "public" },
        trending_link_feeds: { local: "public", remote: "public" },
      },
      limited_federation: s.allowListMode,
    },
    registrations: {
      enabled: registrationsOpen(s),
      approval_required: s.registrationMode === "approval",
      reason_required: s.registrationMode === "approval" && s.requireReason,
      message: s.closedRegistrationsMessage ? plainTextToHtml(s.closedRegistrationsMessage) : null,
      min_age: null,
      url: null,
    },
    api_versions: { mastodon: 2 },
    contact: { email: s.contactEmail, account: f.contact ? serializeAccount(core, f.contact) : null },
    rules: f.rules.map(serializeRule),
  };
}

export function serializeInstanceV1(core: Core, f: InstanceFacts) {
  const s = f.settings;
  const l = limits(core);
  return {
    uri: core.config.domain,
    title: s.title,
    short_description: s.shortDescription,
    description: s.shortDescription,
    email: s.contactEmail,
    version: COMPATIBLE_VERSION,
    urls: { streaming_api: streamingUrl(core) },
    stats: { user_count: f.usage.users, status_count: f.usage.localPosts, domain_count: f.usage.domains },
    thumbnail: thumbnailOf(core, s),
    languages: s.languages,
    registrations: registrationsOpen(s),
    approval_required: s.registrationMode === "approval",
    invites_enabled: true,
    configuration: {
      accounts: { max_featured_tags: 10 },
      statuses: l.statuses,
      media_attachments: {
        supported_mime_types: l.media_attachments.supported_mime_types,
        image_size_limit: l.media_attachments.image_size_limit,
        image_matrix_limit: l.media_attachments.image_matrix_limit,
        video_size_limit: 0,
        video_frame_rate_limit: 0,
        video_matrix_limit: 0,
      },
      polls: l.polls,
    },
    contact_account: f.contact ? serializeAccount(core, f.contact) : null,
    rules: f.rules.map(serializeRule),
  };
}
