import { Temporal as Polyfill } from "@js-temporal/polyfill";

// Node 24 has no global Temporal. Fedify uses the polyfill at run time and the
// standard library's Temporal types, so we hand it polyfill instants typed as those.
export function toInstant(date: Date): Temporal.Instant {
  return Polyfill.Instant.fromEpochMilliseconds(date.getTime()) as unknown as Temporal.Instant;
}
