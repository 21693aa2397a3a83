import type { Core } from "../../src/core.ts";
import type { FilterContext } from "../../src/filters/filter.service.ts";
import type { StatusView } from "../../src/statuses/status.repository.ts";
import { serializeStatuses } from "./status.ts";
import { serializeFilterResult } from "./filter.ts";

/**
 * A page of statuses as one viewer sees them in one context: statuses caught
 * by a "hide" filter are left out, those caught by "warn" or "blur" filters
 * carry `filtered` results. Runs after the status serializer, which stays
 * unaware of filters.
 */
export async function serializeTimeline(core: Core, rows: StatusView[], viewerId: bigint | null, context: FilterContext) {
  const verdicts = await core.filters.verdicts(viewerId, context, rows);
  const shown = verdicts.hidden.size ? rows.filter((s) => !verdicts.hidden.has(s.id)) : rows;
  const serialized = await serializeStatuses(core, shown, viewerId);
  if (!verdicts.matches.size) return serialized;
  return serialized.map((s) => {
    const matches = verdicts.matches.get(BigInt(s.id as string));
    if (!matches) return s;
    const filtered = matches.map(serializeFilterResult);
    const reblog = s.reblog as Record<string, unknown> | null;
    return { ...s, filtered, ...(reblog ? { reblog: { ...reblog, filtered } } : {}) };
  });
}
