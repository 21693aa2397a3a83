import { parseScopes } from "../auth/scopes.ts";
import type { Core } from "../core.ts";
import { unprocessable } from "../errors.ts";
import { isRole, ROLES } from "../moderation/roles.ts";
import type { AccountWithUser } from "../moderation/account-moderation.repository.ts";
import { parse, UsageError, type AdminCommand } from "./admin.ts";

// kith accounts approve|suspend|unsuspend|role and kith domains block|unblock|allow|disallow.

export const ACCOUNTS_USAGE = `  kith accounts approve <username>          approve a pending sign-up
  kith accounts suspend <username> [--reason <text>]
                                            suspend a local account (its followers' servers get a Delete)
  kith accounts unsuspend <username>        lift a suspension (followers' servers get an Update)
  kith accounts role <username> <${ROLES.join("|")}>
                                            give a local user a role
  kith accounts token <username> [--scopes "read write follow admin:read admin:write"]
                                            issue an access token (for scripts and the admin API)`;

export const DOMAINS_USAGE = `  kith domains block <domain> [--severity silence|suspend|noop] [--reject-media] [--reject-reports]
                       [--public-comment <text>] [--private-comment <text>] [--obfuscate]
  kith domains unblock <domain>
  kith domains allow <domain>               add to the allow list (used in allow-list mode)
  kith domains disallow <domain>`;

function accountJson(a: AccountWithUser) {
  return {
    id: a.id,
    username: a.username,
    role: a.user?.role ?? "user",
    approved: a.user?.approved ?? true,
    suspended: a.suspendedAt !== null,
    suspended_at: a.suspendedAt,
    silenced: a.silencedAt !== null,
    disabled: Boolean(a.user?.disabledAt),
  };
}

const one = (positionals: string[], count: number, what: string) => {
  if (positionals.length !== count || positionals.some((p) => !p.trim())) throw new UsageError(`expected ${what}`);
  return positionals;
};

export function accountsCommand(sub: string | undefined, args: string[]): AdminCommand {
  switch (sub) {
    case "approve":
    case "unsuspend": {
      const [username] = one(parse(args, {}).positionals, 1, "<username>");
      return async (core: Core) => {
        const m = core.moderation.accounts;
        const account = await m.getLocal(username!);
        return accountJson(sub === "approve" ? await m.approve(account.id) : await m.unsuspend(account.id));
      };
    }
    case "suspend": {
      const { positionals, values } = parse(args, { reason: { type: "string" } });
      const [username] = one(positionals, 1, "<username>");
      return async (core: Core) => {
        const m = core.moderation.accounts;
        const account = await m.getLocal(username!);
        await m.act(null, account.id, { type: "suspend" });
        // Kith keeps no account warnings yet: the reason is echoed, not stored.
        return { ...accountJson(await m.get(account.id)), reason: values.reason ?? null };
      };
    }
    case "role": {
      const [username, role] = one(parse(args, {}).positionals, 2, `<username> <${ROLES.join("|")}>`);
      if (!isRole(role!)) throw new UsageError(`role must be one of ${ROLES.join(", ")}`);
      return async (core: Core) => {
        const m = core.moderation.accounts;
        const account = await m.getLocal(username!);
        return accountJson(await m.setRole(null, account.id, role));
      };
    }
    case "token": {
      const { positionals, values } = parse(args, { scopes: { type: "string" } });
      const [username] = one(positionals, 1, "<username>");
      const parsed = parseScopes(values.scopes ?? "read write follow");
      if ("unknown" in parsed) throw new UsageError(`unknown scope ${parsed.unknown}`);
      if (!parsed.scopes.length) throw new UsageError("--scopes names no scope");
      return async (core: Core) => {
        const account = await core.moderation.accounts.getLocal(username!);
        if (account.suspendedAt) throw unprocessable(`${username} is suspended`);
        return { id: account.id, username: account.username, access_token: await core.tokens.issue(account.id, parsed.scopes), scopes: parsed.scopes.join(" ") };
      };
    }
    default:
      throw new UsageError(sub ? `unknown accounts command: ${sub}` : "missing accounts command");
  }
}

const SEVERITIES = ["silence", "suspend", "noop"] as const;

export function domainsCommand(sub: string | undefined, args: string[]): AdminCommand {
  switch (sub) {
    case "block": {
      const { positionals, values } = parse(args, {
        severity: { type: "string" },
        "reject-media": { type: "boolean" },
        "reject-reports": { type: "boolean" },
        "public-comment": { type: "string" },
        "private-comment": { type: "string" },
        obfuscate: { type: "boolean" },
      });
      const [domain] = one(positionals, 1, "<domain>");
      const severity = values.severity ?? "silence";
      if (!(SEVERITIES as readonly string[]).includes(severity)) throw new UsageError(`--severity must be one of ${SEVERITIES.join(", ")}`);
      return async (core: Core) => {
        const block = await core.moderation.domains.block(domain!, {
          severity: severity as (typeof SEVERITIES)[number],
          rejectMedia: values["reject-media"] ?? false,
          rejectReports: values["reject-reports"] ?? false,
          publicComment: values["public-comment"] ?? null,
          privateComment: values["private-comment"] ?? null,
          obfuscate: values.obfuscate ?? false,
        });
        return { id: block.id, domain: block.domain, severity: block.severity, reject_media: block.rejectMedia, reject_reports: block.rejectReports };
      };
    }
    case "unblock":
    case "allow":
    case "disallow": {
      const [domain] = one(parse(args, {}).positionals, 1, "<domain>");
      return async (core: Core) => {
        const d = core.moderation.domains;
        const row = sub === "unblock" ? await d.unblockDomain(domain!) : sub === "allow" ? await d.allow(domain!) : await d.disallowDomain(domain!);
        return { id: row.id, domain: row.domain, [sub === "allow" ? "allowed" : sub === "disallow" ? "disallowed" : "unblocked"]: true };
      };
    }
    default:
      throw new UsageError(sub ? `unknown domains command: ${sub}` : "missing domains command");
  }
}
