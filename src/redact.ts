/** A connection URL as it may be printed: its password, if any, as ***. */
export function withoutPassword(url: string, what: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return `<invalid ${what} URL>`;
  }
}
