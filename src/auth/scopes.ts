// Mastodon's OAuth scopes (4.3): the top-level ones, their granular forms and
// the admin ones. A scope outside this list is refused wherever one is asked for.

const READ = ["accounts", "blocks", "bookmarks", "favourites", "filters", "follows", "lists", "mutes", "notifications", "search", "statuses"];
const WRITE = ["accounts", "blocks", "bookmarks", "conversations", "favourites", "filters", "follows", "lists", "media", "mutes", "notifications", "reports", "statuses"];
const ADMIN = ["accounts", "reports", "domain_allows", "domain_blocks", "ip_blocks", "email_domain_blocks", "canonical_email_blocks"];

export const SCOPES: readonly string[] = [
  "read",
  "write",
  "follow",
  "push",
  "profile",
  ...READ.map((s) => `read:${s}`),
  ...WRITE.map((s) => `write:${s}`),
  "admin:read",
  "admin:write",
  ...ADMIN.map((s) => `admin:read:${s}`),
  ...ADMIN.map((s) => `admin:write:${s}`),
];

const KNOWN = new Set(SCOPES);

/** Mastodon grants "read" when an app or a token request names no scope. */
export const DEFAULT_REQUEST_SCOPES = ["read"];

/**
 * Parses a space-separated scope string ("+" arrives as a space from query
 * strings). Returns the unique scopes in order, or the first unknown one.
 */
export function parseScopes(input: string): { scopes: string[] } | { unknown: string } {
  const scopes: string[] = [];
  for (const scope of input.split(/\s+/).filter(Boolean)) {
    if (!KNOWN.has(scope)) return { unknown: scope };
    if (!scopes.includes(scope)) scopes.push(scope);
  }
  return { scopes };
}

/** Mastodon's scope rules: "read" grants "read:statuses", "admin:read" grants "admin:read:accounts". */
export function hasScope(granted: string[], required: string): boolean {
  const parts = required.split(":");
  for (let i = parts.length; i > 0; i--) {
    if (granted.includes(parts.slice(0, i).join(":"))) return true;
  }
  // "follow" is the legacy umbrella for relationship writes and reads.
  if (granted.includes("follow") && /^(read|write):(follows|blocks|mutes)$/.test(required)) return true;
  return false;
}

/** Whether every requested scope is covered by what was granted: a token may narrow its app's scopes, never widen them. */
export function withinScopes(requested: string[], granted: string[]): boolean {
  return requested.every((scope) => hasScope(granted, scope));
}
