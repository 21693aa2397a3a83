// Time-ordered 64-bit ids in Mastodon's layout: milliseconds since the epoch
// in the high 48 bits, a per-process sequence plus randomness in the low 16.
// Clients sort and paginate by them, so later ids must compare greater.

let lastMs = 0n;
let seq = 0n;

export function newId(at: Date = new Date()): bigint {
  const ms = BigInt(at.getTime());
  if (ms === lastMs) {
    seq = (seq + 1n) & 0xffffn;
  } else {
    lastMs = ms;
    seq = BigInt(Math.floor(Math.random() * 0x8000));
  }
  return (ms << 16n) | seq;
}

/** The smallest id that could have been made at `at`: for date-bounded queries. */
export function idFloor(at: Date): bigint {
  return BigInt(at.getTime()) << 16n;
}

export function parseId(value: unknown): bigint | null {
  if (typeof value !== "string" || !/^\d{1,19}$/.test(value)) return null;
  const id = BigInt(value);
  return id <= 0x7fffffffffffffffn ? id : null;
}
