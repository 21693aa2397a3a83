import { createHash } from "node:crypto";
import { isIP } from "node:net";
import { unprocessable } from "../errors.ts";

// Domain names as moderation sees them: normalised, matched with their
// parents (a block on example.com covers sub.example.com, as on Mastodon),
// and shown obfuscated when the operator asks.

/** Lowercase host[:port] without a trailing dot, from what an admin typed (a bare host or a URL); 422 if it is none. */
export function normalizeDomain(input: string): string {
  let value = input.trim().toLowerCase();
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(value)) {
    try {
      value = new URL(value).host;
    } catch {
      throw unprocessable("domain is not a valid domain name");
    }
  }
  value = value.replace(/\.$/, "");
  const m = /^([a-z0-9_-]+(?:\.[a-z0-9_-]+)*|\[[0-9a-f:.]+\])(?::(\d{1,5}))?$/.exec(value);
  if (!m || value.length > 253 || (m[2] !== undefined && Number(m[2]) > 65535)) throw unprocessable("domain is not a valid domain name");
  return value;
}

/** The names a rule may be written under to cover `host`: itself, without its port, then each parent domain. */
export function domainCandidates(host: string): string[] {
  const value = host.toLowerCase().replace(/\.$/, "");
  const out = [value];
  const bare = value.replace(/:\d+$/, "");
  if (bare !== value) out.push(bare);
  if (isIP(bare.replace(/^\[|\]$/g, "")) === 0) {
    const labels = bare.split(".");
    for (let i = 1; i < labels.length - 1; i++) out.push(labels.slice(i).join("."));
  }
  return out;
}

/** Mastodon's digest of a blocked domain: clients compare it with the hosts they know. */
export const domainDigest = (domain: string) => createHash("sha256").update(domain).digest("hex");

/** Mastodon's obfuscation: the middle half of the name becomes stars, dots stay. */
export function obfuscateDomain(domain: string): string {
  const visible = Math.floor(domain.length / 4);
  return [...domain].map((c, i) => (i > visible && i < domain.length - visible && c !== "." ? "*" : c)).join("");
}
