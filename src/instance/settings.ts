import { z } from "zod";
import type { Db } from "../db/client.ts";
import { LocalPubSub, type PubSub } from "../streaming/pubsub.ts";
import { SettingRepository } from "./setting.repository.ts";

// Instance settings an admin changes at run time, each with a default, kept
// in the Setting table. Every request asks for some of them, so each process
// keeps a copy; a change is announced over pub/sub and every process drops
// its copy at once. A process that cannot hear the notice (Redis was
// unreachable when it was sent) still reads the table again once its copy
// is TTL_MS old.

export const settingsSchema = z.object({
  /** open: anyone; approval: a moderator approves; invite: invite code needed; closed: nobody. */
  registrationMode: z.enum(["open", "approval", "invite", "closed"]).default("approval"),
  /** Whether sign-up asks for an e-mail address. Kith never asks for a phone number. */
  requireEmail: z.boolean().default(false),
  /** Whether approval-mode sign-ups must say why they want to join. */
  requireReason: z.boolean().default(true),
  title: z.string().max(200).default("Kith"),
  shortDescription: z.string().max(500).default("A Kith community."),
  /** Markdown-free plain text shown on /about. */
  about: z.string().max(20_000).default(""),
  terms: z.string().max(50_000).default(""),
  /** Plain text served at /privacy and /api/v1/instance/privacy_policy. */
  privacyPolicy: z.string().max(50_000).default(""),
  /** Shown to people who cannot sign up (Mastodon's closed registrations message). */
  closedRegistrationsMessage: z.string().max(2_000).default(""),
  /** The instance's picture; empty means Kith's default. */
  thumbnailUrl: z.union([z.literal(""), z.url({ protocol: /^https?$/ })]).default(""),
  /** Languages the community speaks (ISO 639-1 codes). */
  languages: z.array(z.string().regex(/^[a-z]{2,3}$/)).max(20).default(["en"]),
  contactEmail: z.string().max(320).default(""),
  contactAccountId: z.string().regex(/^\d*$/).default(""),
  /** Limited federation: only domains on the allow list may federate. */
  allowListMode: z.boolean().default(false),
});

export type Settings = z.infer<typeof settingsSchema>;
export type SettingKey = keyof Settings;

export const TTL_MS = 5_000;

/** What a process announces after it changed settings: the keys it changed. */
export type SettingsChanged = { keys: SettingKey[] };

const CHANGED = "instance:settings";

export const isSettingKey = (key: string): key is SettingKey => key in settingsSchema.shape;

/**
 * A setting's value from text (the CLI): true/false for switches, a
 * comma-separated list for lists, the text itself otherwise. The result is
 * validated by update().
 */
export function settingFromText(key: SettingKey, text: string): unknown {
  const sample = settingsSchema.parse({})[key];
  if (typeof sample === "boolean") return ["true", "1", "yes", "on"].includes(text.toLowerCase()) ? true : ["false", "0", "no", "off"].includes(text.toLowerCase()) ? false : text;
  if (Array.isArray(sample)) return text.split(",").map((v) => v.trim()).filter(Boolean);
  return text;
}

export class SettingsService {
  private readonly settings: SettingRepository;
  private readonly changes: PubSub<SettingsChanged>;
  private cached: { at: number; value: Settings } | null = null;
  /** Counts the changes heard: a read that began before one must not be kept, it may hold the old values. */
  private generation = 0;

  /** `changes` carries change notices between processes (without one, this process only). */
  constructor(db: Db, changes: PubSub<SettingsChanged> = new LocalPubSub()) {
    this.settings = new SettingRepository(db);
    this.changes = changes;
  }

  /** From now on, a change announced by any process (the CLI, another web process) drops this process's copy. */
  follow(): Promise<void> {
    return this.changes.subscribe(CHANGED, () => this.forget());
  }

  async all(): Promise<Settings> {
    if (this.cached && Date.now() - this.cached.at < TTL_MS) return this.cached.value;
    const generation = this.generation;
    const rows = await this.settings.all();
    const raw = Object.fromEntries(rows.map((r) => [r.key, r.value]));
    const value = settingsSchema.parse(raw);
    if (generation === this.generation) this.cached = { at: Date.now(), value };
    return value;
  }

  /** When a setting was last changed, or null while it has its default. */
  async changedAt(key: SettingKey): Promise<Date | null> {
    return this.settings.updatedAt(key);
  }

  async get<K extends SettingKey>(key: K): Promise<Settings[K]> {
    return (await this.all())[key];
  }

  /**
   * A value Kith keeps for itself in the same table (a key pair made on first
   * need), never shown by all(). The first value stored wins, so every
   * process gets the same one; callers cache it.
   */
  async internal<T>(key: string, make: () => T): Promise<T> {
    if (isSettingKey(key)) throw new Error(`${key} is an admin setting`);
    return (await this.settings.putIfAbsent(key, make())) as T;
  }

  /**
   * Validates and stores changes, then tells every process; unknown keys and
   * bad values are refused with a ZodError (422). The change is stored even
   * when the notice cannot be sent (reported to the transport's onError):
   * other processes then see it within TTL_MS.
   */
  async update(changes: Partial<Settings>): Promise<Settings> {
    const next = settingsSchema.parse({ ...(await this.all()), ...changes });
    const keys = (Object.keys(changes) as SettingKey[]).filter(isSettingKey);
    for (const key of keys) await this.settings.put(key, next[key]);
    this.forget();
    await this.changes.publish([{ channel: CHANGED, message: { keys } }]).catch(this.changes.onError);
    return next;
  }

  private forget() {
    this.cached = null;
    this.generation++;
  }
}
