// Ids are 64-bit and time-ordered in Mastodon's layout: milliseconds since the
// epoch in the high 48 bits, 16 more bits below. PostgreSQL makes them
// (`kith_id()`, the default of every id column; src/db/ids.ts): one sequence
// for every process and host, so no two rows share one. Clients sort and
// paginate by them, so later ids compare greater.

/** The smallest id that could have been made at `at`: for date-bounded queries. */
export function idFloor(at: Date): bigint {
  return BigInt(at.getTime()) << 16n;
}

export function parseId(value: unknown): bigint | null {
  if (typeof value !== "string" || !/^\d{1,19}$/.test(value)) return null;
  const id = BigInt(value);
  return id <= 0x7fffffffffffffffn ? id : null;
}
