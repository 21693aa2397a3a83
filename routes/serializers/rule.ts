import type { Rule } from "../../src/instance/rule.repository.ts";

/** Mastodon's Rule entity (Kith keeps no translations). */
export function serializeRule(r: Rule) {
  return { id: String(r.id), text: r.text, hint: r.hint, translations: {} };
}
