// Mastodon's grouped notifications: favourites and reblogs of one status, and
// follows, that arrive within the same hour share a group key; every other
// notification is a group of its own ("ungrouped-<id>"). The key is derived,
// not stored, so it can be parsed back into the rows it names.

const HOUR_MS = 3_600_000;
const GROUPED = new Set(["favourite", "reblog", "follow"]);

export function groupKeyOf(n: { id: bigint; type: string; statusId: bigint | null; createdAt: Date }): string {
  if (!GROUPED.has(n.type)) return `ungrouped-${n.id}`;
  const hour = Math.floor(n.createdAt.getTime() / HOUR_MS);
  return n.type === "follow" ? `follow-${hour}` : `${n.type}-${n.statusId}-${hour}`;
}

export type ParsedGroupKey = { id: bigint } | { id?: undefined; type: string; statusId?: bigint; from: Date; until: Date };

export function parseGroupKey(key: string): ParsedGroupKey | null {
  const single = /^ungrouped-(\d{1,19})$/.exec(key);
  if (single) return { id: BigInt(single[1]!) };
  const window = (hour: string) => ({ from: new Date(Number(hour) * HOUR_MS), until: new Date((Number(hour) + 1) * HOUR_MS) });
  const follow = /^follow-(\d{1,12})$/.exec(key);
  if (follow) return { type: "follow", ...window(follow[1]!) };
  const status = /^(favourite|reblog)-(\d{1,19})-(\d{1,12})$/.exec(key);
  if (status) return { type: status[1]!, statusId: BigInt(status[2]!), ...window(status[3]!) };
  return null;
}
