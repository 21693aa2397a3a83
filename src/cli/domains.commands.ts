import type { Core } from "../core.ts";
import { parse, positional, UsageError, type Subcommands } from "./admin.ts";

// kith domains block|unblock|allow|disallow.

export const DOMAINS_USAGE = `  kith domains block <domain> [--severity silence|suspend|noop] [--reject-media] [--reject-reports]
                       [--public-comment <text>] [--private-comment <text>] [--obfuscate]
  kith domains unblock <domain>
  kith domains allow <domain>               add to the allow list (used in allow-list mode)
  kith domains disallow <domain>`;

const SEVERITIES = ["silence", "suspend", "noop"] as const;

/** unblock, allow and disallow: one domain, and the row the change touched. */
function onDomain(args: string[], done: "unblocked" | "allowed" | "disallowed", act: (core: Core, domain: string) => Promise<{ id: bigint; domain: string }>) {
  const [domain] = positional(parse(args, {}).positionals, ["<domain>"]);
  return async (core: Core) => {
    const row = await act(core, domain!);
    return { id: row.id, domain: row.domain, [done]: true };
  };
}

export const domainsCommands: Subcommands = {
  block(args) {
    const { positionals, values } = parse(args, {
      severity: { type: "string" },
      "reject-media": { type: "boolean" },
      "reject-reports": { type: "boolean" },
      "public-comment": { type: "string" },
      "private-comment": { type: "string" },
      obfuscate: { type: "boolean" },
    });
    const [domain] = positional(positionals, ["<domain>"]);
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
  },
  unblock: (args) => onDomain(args, "unblocked", (core, domain) => core.moderation.domains.unblockDomain(domain)),
  allow: (args) => onDomain(args, "allowed", (core, domain) => core.moderation.domains.allow(domain)),
  disallow: (args) => onDomain(args, "disallowed", (core, domain) => core.moderation.domains.disallowDomain(domain)),
};
