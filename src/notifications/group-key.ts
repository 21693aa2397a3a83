// Mastodon's grouped notifications: favourites and reblogs of one status, and
// follows, that arrive within the same hour share a group key; every other
// notification is a group of its own ("ungrouped-<id>"). The key is derived,
// not stored, so it can be parsed back into the rows it names.

import { parseId } from "../ids.ts";

const HOUR_MS = 3_600_000;
const GROUPED = new Set(["favourite", "reblog", "follow"]);

export function groupKeyOf(n: { id: bigint; type: string; statusId: bigint | null; createdAt: Date }): string {
  if (!GROUPED.has(n.type)) return `ungrouped-${n.id}`;
  const hour = Math.floor(n.createdAt.getTime() / HOUR_MS);
  return n.type === "follow" ? `follow-${hour}` : `${n.type}-${n.statusId}-${hour}`;
}

export type ParsedGroupKey = { id: bigint } | { id?: undefined; type: string; statusId?: bigint; from: Date; until: Date };

/** The rows a key names, or null for a key that cannot name any (ids past 64 bits, hours past JavaScript's dates). */
export function parseGroupKey(key: string): ParsedGroupKey | null {
  const single = /^ungrouped-(\d{1,19})$/.exec(key);
  if (single) {
    const id = parseId(single[1]);
    return id === null ? null : { id };
  }
  const window = (hour: string) => ({ from: new Date(Number(hour) * HOUR_MS), until: new Date((Number(hour) + 1) * HOUR_MS) });
  const valid = <T extends { until: Date }>(parsed: T) => (Number.isNaN(parsed.until.getTime()) ? null : parsed);
  const follow = /^follow-(\d{1,12})$/.exec(key);
  if (follow) return valid({ type: "follow", ...window(follow[1]!) });
  const status = /^(favourite|reblog)-(\d{1,19})-(\d{1,12})$/.exec(key);
  const statusId = status ? parseId(status[2]) : null;
  if (status && statusId !== null) return valid({ type: status[1]!, statusId, ...window(status[3]!) });
  return null;
}
