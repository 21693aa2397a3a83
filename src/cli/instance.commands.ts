import type { Core } from "../core.ts";
import { isSettingKey, settingFromText, settingsSchema } from "../instance/settings.ts";
import { parse, UsageError, type AdminCommand } from "./admin.ts";

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

export function invitesCommand(sub: string | undefined, args: string[]): AdminCommand {
  if (sub !== "create") throw new UsageError(sub ? `unknown invites command: ${sub}` : "missing invites command");
  const { positionals, values } = parse(args, { "max-uses": { type: "string" }, "expires-in": { type: "string" }, "auto-follow": { type: "string" } });
  if (positionals.length) throw new UsageError(`unexpected argument: ${positionals[0]}`);
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
}

export function settingsCommand(sub: string | undefined, args: string[]): AdminCommand {
  const { positionals } = parse(args, {});
  const keys = Object.keys(settingsSchema.shape).join(", ");
  switch (sub) {
    case "get": {
      if (positionals.length > 1) throw new UsageError("expected at most one <key>");
      const key = positionals[0];
      if (key !== undefined && !isSettingKey(key)) throw new UsageError(`unknown setting ${key}; settings are ${keys}`);
      return async (core: Core) => {
        const all = await core.settings.all();
        return key === undefined ? all : { [key]: all[key] };
      };
    }
    case "set": {
      if (positionals.length !== 2) throw new UsageError("expected <key> <value>");
      const [key, text] = positionals as [string, string];
      if (!isSettingKey(key)) throw new UsageError(`unknown setting ${key}; settings are ${keys}`);
      return async (core: Core) => {
        // Running servers see the change within seconds (settings are cached briefly).
        const next = await core.settings.update({ [key]: settingFromText(key, text) });
        return { [key]: next[key] };
      };
    }
    default:
      throw new UsageError(sub ? `unknown settings command: ${sub}` : "missing settings command");
  }
}

export function rulesCommand(sub: string | undefined, args: string[]): AdminCommand {
  switch (sub) {
    case "list": {
      if (parse(args, {}).positionals.length) throw new UsageError("rules list takes no arguments");
      return async (core: Core) => (await core.rules.list()).map((r) => ({ id: r.id, text: r.text, hint: r.hint }));
    }
    case "add": {
      const { positionals, values } = parse(args, { hint: { type: "string" } });
      if (positionals.length !== 1) throw new UsageError("expected <text> (quote it)");
      return async (core: Core) => {
        const rule = await core.rules.add({ text: positionals[0]!, hint: values.hint });
        return { id: rule.id, text: rule.text, hint: rule.hint };
      };
    }
    case "remove": {
      const { positionals } = parse(args, {});
      if (positionals.length !== 1 || !/^\d{1,19}$/.test(positionals[0]!)) throw new UsageError("expected a rule <id>");
      return async (core: Core) => {
        const rule = await core.rules.remove(BigInt(positionals[0]!));
        return { id: rule.id, removed: true };
      };
    }
    default:
      throw new UsageError(sub ? `unknown rules command: ${sub}` : "missing rules command");
  }
}
