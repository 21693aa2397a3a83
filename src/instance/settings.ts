import { z } from "zod";
import type { Db } from "../db/client.ts";

// Instance settings an admin changes at run time, each with a default, kept
// in the Setting table. Reads are cached briefly: every request asks for
// some of them, and a change may take a few seconds to reach every process.

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
  contactEmail: z.string().max(320).default(""),
  contactAccountId: z.string().regex(/^\d*$/).default(""),
  /** Limited federation: only domains on the allow list may federate. */
  allowListMode: z.boolean().default(false),
});

export type Settings = z.infer<typeof settingsSchema>;
export type SettingKey = keyof Settings;

const TTL_MS = 5_000;

export class SettingsService {
  private readonly db: Db;
  private cached: { at: number; value: Settings } | null = null;

  constructor(db: Db) {
    this.db = db;
  }

  async all(): Promise<Settings> {
    if (this.cached && Date.now() - this.cached.at < TTL_MS) return this.cached.value;
    const rows = await this.db.setting.findMany();
    const raw = Object.fromEntries(rows.map((r) => [r.key, r.value]));
    const value = settingsSchema.parse(raw);
    this.cached = { at: Date.now(), value };
    return value;
  }

  async get<K extends SettingKey>(key: K): Promise<Settings[K]> {
    return (await this.all())[key];
  }

  /** Validates and stores changes; unknown keys and bad values are refused with a ZodError (422). */
  async update(changes: Partial<Settings>): Promise<Settings> {
    const next = settingsSchema.parse({ ...(await this.all()), ...changes });
    for (const key of Object.keys(changes) as SettingKey[]) {
      if (!(key in settingsSchema.shape)) continue;
      await this.db.setting.upsert({ where: { key }, update: { value: next[key] }, create: { key, value: next[key] } });
    }
    this.cached = null;
    return next;
  }
}
