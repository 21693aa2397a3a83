const CHARS = /^[\p{L}\p{N}\p{M}_\u00b7\u200c]{1,100}$/u;

/** A hashtag name as Mastodon accepts it: letters, digits, marks and underscores, not only digits. */
export function isHashtagName(name: string): boolean {
  return CHARS.test(name) && !/^\d+$/.test(name);
}

/** The start of a hashtag name, as typed into search ("20" may begin "2024"). */
export function isHashtagPrefix(text: string): boolean {
  return CHARS.test(text);
}
