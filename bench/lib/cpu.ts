import { readdirSync, readFileSync } from "node:fs";
import type { Redis } from "ioredis";

// Where the CPU goes during a measured window, from /proc (Linux): this
// process (Kith, all its threads), Redis (INFO cpu), every postgres process,
// a helper child (the sink), and the whole machine. On a two-core machine
// these share the same cores, so they explain a throughput ceiling.

const TICK_MS = 10; // USER_HZ = 100 on Linux

function procTicks(pid: number | string): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return 0;
  }
}

function postgresTicks(): number {
  let total = 0;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "postgres") total += procTicks(pid);
    } catch {
      /* gone */
    }
  }
  return total;
}

function machineTicks(): { busy: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = line.reduce((a, b) => a + b, 0);
  const idle = (line[3] ?? 0) + (line[4] ?? 0);
  return { busy: total - idle, total };
}

async function redisCpuMs(redis: Redis | null): Promise<number> {
  if (!redis) return 0;
  const info = await redis.info("cpu");
  const get = (k: string) => Number(new RegExp(`^${k}:([\\d.]+)`, "m").exec(info)?.[1] ?? 0);
  return (get("used_cpu_sys") + get("used_cpu_user")) * 1000;
}

export type CpuMark = { self: number; mainThread: number; redis: number; postgres: number; helpers: number; machine: number; wall: number };

export class CpuMeter {
  private readonly redis: Redis | null;
  private readonly helpers: number[];

  constructor(redis: Redis | null, helperPids: number[] = []) {
    this.redis = redis;
    this.helpers = helperPids;
  }

  async mark(): Promise<CpuMark> {
    const usage = process.cpuUsage();
    const thread = process.threadCpuUsage();
    return {
      self: (usage.user + usage.system) / 1000,
      mainThread: (thread.user + thread.system) / 1000,
      redis: await redisCpuMs(this.redis),
      postgres: postgresTicks() * TICK_MS,
      helpers: this.helpers.reduce((n, pid) => n + procTicks(pid), 0) * TICK_MS,
      machine: machineTicks().busy * TICK_MS,
      wall: performance.now(),
    };
  }

  /** CPU milliseconds per item between two marks, and how many cores were busy on average. */
  static per(a: CpuMark, b: CpuMark, items: number) {
    const r = (v: number) => Math.round((v / items) * 1000) / 1000;
    const wall = b.wall - a.wall;
    return {
      kithMs: r(b.self - a.self),
      /** Of kithMs, the event loop's thread (the rest: libuv's pool, V8's GC and compiler threads). */
      kithMainThreadMs: r(b.mainThread - a.mainThread),
      redisMs: r(b.redis - a.redis),
      postgresMs: r(b.postgres - a.postgres),
      helperMs: r(b.helpers - a.helpers),
      machineMs: r(b.machine - a.machine),
      /** Everything else on the machine (other processes, kernel): a noise indicator. */
      otherMs: r(b.machine - a.machine - (b.self - a.self) - (b.redis - a.redis) - (b.postgres - a.postgres) - (b.helpers - a.helpers)),
      busyCores: Math.round(((b.machine - a.machine) / wall) * 100) / 100,
    };
  }
}
