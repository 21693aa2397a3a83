import pg from "pg";
import { Redis } from "ioredis";

// `npm run bench -- --count`: counts the SQL statements (by text) and Redis
// commands (by name) this process sends, so a figure can say what each
// delivery or activity costs in round trips. Off by default: measurements
// then run on untouched client libraries.

type Counts = { pg: Map<string, number>; redis: Map<string, number> };
const counts: Counts = { pg: new Map(), redis: new Map() };
let installed = false;

export function installCounters(): void {
  if (installed || !process.env.BENCH_COUNT) return;
  installed = true;
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  (pg.Client.prototype as unknown as { query: unknown }).query = function (this: unknown, ...args: unknown[]) {
    const first = args[0] as string | { text?: string } | undefined;
    const text = String(typeof first === "string" ? first : (first?.text ?? "?")).replace(/\s+/g, " ").slice(0, 100);
    counts.pg.set(text, (counts.pg.get(text) ?? 0) + 1);
    return query.apply(this, args);
  };
  const proto = Redis.prototype as unknown as { sendCommand(cmd: { name: string }, ...rest: unknown[]): unknown };
  const send = proto.sendCommand;
  proto.sendCommand = function (this: unknown, cmd: { name: string }, ...rest: unknown[]) {
    counts.redis.set(cmd.name, (counts.redis.get(cmd.name) ?? 0) + 1);
    return send.call(this, cmd, ...rest);
  };
}

export type CountMark = { pg: Map<string, number>; redis: Map<string, number> } | null;

export function mark(): CountMark {
  return installed ? { pg: new Map(counts.pg), redis: new Map(counts.redis) } : null;
}

/** Statements and commands per item since `from` (null when counting is off). */
export function perItem(from: CountMark, items: number) {
  if (!from) return undefined;
  const diff = (now: Map<string, number>, then: Map<string, number>) => {
    const out: [string, number][] = [];
    for (const [k, v] of now) if (v - (then.get(k) ?? 0) > 0) out.push([k, (v - (then.get(k) ?? 0)) / items]);
    return out.sort((a, b) => b[1] - a[1]);
  };
  const sql = diff(counts.pg, from.pg);
  const redis = diff(counts.redis, from.redis);
  const total = (l: [string, number][]) => Math.round(l.reduce((n, [, v]) => n + v, 0) * 100) / 100;
  return {
    sqlPerItem: total(sql),
    redisPerItem: total(redis),
    sql: Object.fromEntries(sql.slice(0, 15).map(([k, v]) => [k, Math.round(v * 100) / 100])),
    redis: Object.fromEntries(redis.slice(0, 10).map(([k, v]) => [k, Math.round(v * 100) / 100])),
  };
}
