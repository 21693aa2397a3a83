import type { Core } from "../core.ts";
import { isSettingKey, settingFromText, settingsSchema, type SettingKey } from "../instance/settings.ts";
import { parse, positional, UsageError, type Subcommands } from "./admin.ts";

// kith invites create, kith settings set|get, kith rules add|remove|list.

export const INSTANCE_USAGE = `  kith invites create [--max-uses N] [--expires-in 30m|6h|1d|1w] [--auto-follow <username>]
                                            create an invite; prints its code
  kith settings get [<key>]                 print the instance settings (or one of them)
  kith settings set <key> <value>           change a setting (true/false for switches, a,b,c for lists)
  kith rules list | add <text> [--hint <text>] | remove <id>`;

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** "30m", "6h", "1d", "2w" as milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d{1,6})([mhdw])$/.exec(text.trim());
  if (!m || Number(m[1]) === 0) throw new UsageError(`--expires-in must look like 30m, 6h, 1d or 1w (got ${JSON.stringify(text)})`);
  return Number(m[1]) * UNITS[m[2]!]!;
}

export const invitesCommands: Subcommands = {
  create(args) {
    const { positionals, values } = parse(args, { "max-uses": { type: "string" }, "expires-in": { type: "string" }, "auto-follow": { type: "string" } });
    positional(positionals, []);
    const maxUses = values["max-uses"] === undefined ? null : Number(values["max-uses"]);
    if (maxUses !== null && !(Number.isInteger(maxUses) && maxUses >= 1)) throw new UsageError("--max-uses must be a whole number, 1 or more");
    const ttl = values["expires-in"] === undefined ? null : parseDuration(values["expires-in"]);
    return async (core: Core) => {
      // Auto-follow makes the new user follow the invite's creator, as on Mastodon.
      const creator = values["auto-follow"] ? await core.moderation.accounts.getLocal(values["auto-follow"]) : null;
      const invite = await core.invites.createInvite({
        maxUses,
        expiresAt: ttl === null ? null : new Date(Date.now() + ttl),
        autoFollow: creator !== null,
        createdById: creator?.id ?? null,
      });
      return {
        id: invite.id,
        // Sign-up takes it as invite_code.
        code: invite.code,
        max_uses: invite.maxUses,
        expires_at: invite.expiresAt,
        auto_follow: creator ? creator.username : null,
      };
    };
  },
};

const settingKey = (key: string): SettingKey => {
  if (!isSettingKey(key)) throw new UsageError(`unknown setting ${key}; settings are ${Object.keys(settingsSchema.shape).join(", ")}`);
  return key;
};

export const settingsCommands: Subcommands = {
  get(args) {
    const { positionals } = parse(args, {});
    if (positionals.length > 1) throw new UsageError(`unexpected argument ${positionals[1]}`);
    const key = positionals[0] === undefined ? undefined : settingKey(positionals[0]);
    return async (core: Core) => {
      const all = await core.settings.all();
      return key === undefined ? all : { [key]: all[key] };
    };
  },
  set(args) {
    const [name, text] = positional(parse(args, {}).positionals, ["<key>", "<value>"]);
    const key = settingKey(name!);
    return async (core: Core) => {
      // Running servers drop their cached settings as soon as the change is stored.
      const next = await core.settings.update({ [key]: settingFromText(key, text!) });
      return { [key]: next[key] };
    };
  },
};

export const rulesCommands: Subcommands = {
  list(args) {
    positional(parse(args, {}).positionals, []);
    return async (core: Core) => (await core.rules.list()).map((r) => ({ id: r.id, text: r.text, hint: r.hint }));
  },
  add(args) {
    const { positionals, values } = parse(args, { hint: { type: "string" } });
    if (positionals.length !== 1) throw new UsageError(positionals.length ? `unexpected argument ${positionals[1]} (quote the text)` : "missing <text>");
    return async (core: Core) => {
      const rule = await core.rules.add({ text: positionals[0]!, hint: values.hint });
      return { id: rule.id, text: rule.text, hint: rule.hint };
    };
  },
  remove(args) {
    const [id] = positional(parse(args, {}).positionals, ["<id>"]);
    if (!/^\d{1,19}$/.test(id!)) throw new UsageError(`<id> must be a rule's number (got ${JSON.stringify(id)})`);
    return async (core: Core) => {
      const rule = await core.rules.remove(BigInt(id!));
      return { id: rule.id, removed: true };
    };
  },
};
