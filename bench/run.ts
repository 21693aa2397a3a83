import { execFileSync, fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { migrateDatabase } from "../src/db/migrate.ts";
import { clearRedisPrefix, PG, productionNodeOptions, quote, ROOT, withPg } from "./lib/env.ts";
import { passes, type Figure } from "./lib/stats.ts";
import { renderTable } from "./lib/table.ts";

// `npm run bench [-- --quick] [-- --only delivery,inbox] [-- --profile] [-- --count]`
//   --profile  V8 CPU profile of each measured window → bench/results/profiles/
//   --count    SQL statements and Redis commands per item in latest.json
//
// Runs every measurement in turn, each in its own process with its own
// database (cloned from a template migrated once per run) and Redis prefix,
// prints a table and writes bench/results/latest.json. Not part of `npm test`.

const MEASUREMENTS = ["delivery", "inbox", "fanout", "timelines", "memory", "retry", "move"] as const;

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    profile: { type: "boolean", default: false },
    count: { type: "boolean", default: false },
    out: { type: "string" },
  },
});
const quick = values.quick!;
const selected = values.only ? values.only.split(",").map((s) => s.trim()) : [...MEASUREMENTS];
for (const name of selected) {
  if (!(MEASUREMENTS as readonly string[]).includes(name)) throw new Error(`Unknown measurement ${name}; choose from ${MEASUREMENTS.join(", ")}`);
}

const resultsDir = join(ROOT, "bench/results");
const logsDir = join(resultsDir, "logs");
const profilesDir = join(resultsDir, "profiles");
mkdirSync(logsDir, { recursive: true });

const git = (...args: string[]) => {
  // A snapshot of the tree without .git (e.g. `git archive HEAD`) names its commit here.
  if (process.env.BENCH_COMMIT) return args[0] === "rev-parse" ? process.env.BENCH_COMMIT : "";
  try {
    return execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
};

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (m) return m[1]!.trim();
  } catch {
    /* not Linux */
  }
  return cpus()[0]?.model ?? "unknown";
}

const tag = randomBytes(3).toString("hex");
const template = `kith_bench_${tag}_template`;
const started = Date.now();
// Bounded: a measurement that overruns is killed and reported as failed.
const perMeasurementMs = quick ? 90_000 : 600_000;

const loads: Record<string, number[]> = {};
const quiet: Record<string, { busyCores: number; waitedSeconds: number }> = {};

function machineTicks(): { busy: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = line.reduce((a, b) => a + b, 0);
  return { busy: total - (line[3] ?? 0) - (line[4] ?? 0), total };
}

/**
 * The machine may be shared (a test suite running alongside moves every
 * wall-clock figure). Before each measurement, wait — bounded — until the
 * other processes use less than a quarter of a core; record what was seen.
 */
async function waitForQuiet(maxWaitMs: number): Promise<{ busyCores: number; waitedSeconds: number }> {
  const t0 = Date.now();
  const cores = cpus().length;
  let busyCores = 0;
  for (let i = 0; i < 1000; i++) {
    const a = machineTicks();
    await new Promise((r) => setTimeout(r, 500));
    const b = machineTicks();
    busyCores = b.total > a.total ? ((b.busy - a.busy) / (b.total - a.total)) * cores : 0;
    if (busyCores < 0.25 || Date.now() - t0 >= maxWaitMs) break;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  return { busyCores: Math.round(busyCores * 100) / 100, waitedSeconds: Math.round((Date.now() - t0) / 100) / 10 };
}

async function runChild(name: string): Promise<{ figures?: Figure[]; error?: string; seconds: number }> {
  quiet[name] = await waitForQuiet(quick ? 1_500 : 60_000);
  const t0 = Date.now();
  // The load averages before each measurement: others' work on the machine shows here.
  loads[name] = loadavg().map((l) => Math.round(l * 100) / 100);
  const log = createWriteStream(join(logsDir, `${name}.log`));
  const child = fork(join(ROOT, "bench/lib/child.ts"), [name, ...(quick ? ["--quick"] : [])], {
    cwd: ROOT,
    // Kith runs in the measuring process: give it the V8 flags production has.
    execArgv: [...process.execArgv, ...productionNodeOptions()],
    env: { ...process.env, BENCH_TEMPLATE_DB: template, BENCH_RUN_TAG: tag, BENCH_PROFILE: values.profile ? profilesDir : "", BENCH_COUNT: values.count ? "1" : "" },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  let reply: { figures?: Figure[]; error?: string } | null = null;
  child.on("message", (m: { figures?: Figure[]; error?: string }) => (reply = m));
  const timer = setTimeout(() => {
    reply ??= { error: `timed out after ${perMeasurementMs / 1000} s` };
    child.kill("SIGKILL");
  }, perMeasurementMs);
  const [code] = (await once(child, "exit")) as [number | null];
  clearTimeout(timer);
  log.end();
  const seconds = (Date.now() - t0) / 1000;
  const got = reply as { figures?: Figure[]; error?: string } | null;
  if (!got) return { error: `exited with ${code} without a result (see bench/results/logs/${name}.log)`, seconds };
  return { ...got, seconds };
}

async function main() {
  console.log(`Kith benchmarks (${quick ? "quick" : "full"}): ${selected.join(", ")}`);
  await migrateDatabase({ databaseUrl: `${PG}/${template}` });
  const figures: Figure[] = [];
  const failures: { name: string; error: string }[] = [];
  const timings: Record<string, number> = {};
  try {
    for (const name of selected) {
      process.stdout.write(`  ${name} … `);
      const result = await runChild(name);
      timings[name] = Math.round(result.seconds * 10) / 10;
      if (result.figures) {
        figures.push(...result.figures);
        console.log(`${timings[name]} s`);
      } else {
        failures.push({ name, error: result.error ?? "unknown error" });
        console.log(`FAILED after ${timings[name]} s\n${result.error}`);
      }
    }
  } finally {
    await cleanUp();
  }

  const totalSeconds = Math.round((Date.now() - started) / 100) / 10;
  console.log(`\n${renderTable(figures, failures)}\n`);
  const busy = Object.entries(quiet).filter(([, q]) => q.busyCores >= 0.25);
  if (busy.length) {
    console.log(`Warning: other processes were busy when these started (cores in use): ${busy.map(([n, q]) => `${n} ${q.busyCores}`).join(", ")}; their wall-clock figures are pessimistic.`);
  }
  const passed = figures.filter((f) => passes(f) === true).length;
  const missed = figures.filter((f) => passes(f) === false).map((f) => f.key);
  console.log(`${passed} targets met, ${missed.length} missed${missed.length ? ` (${missed.join(", ")})` : ""}; ${totalSeconds} s in all.`);

  const report = {
    commit: git("rev-parse", "HEAD"),
    dirty: git("status", "--porcelain") !== "",
    node: process.version,
    cpu: cpuModel(),
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    mode: quick ? "quick" : "full",
    startedAt: new Date(started).toISOString(),
    totalSeconds,
    secondsPerMeasurement: timings,
    loadAverageBefore: loads,
    otherBusyCoresBefore: quiet,
    measurements: Object.fromEntries(
      figures.map((f) => [
        f.key,
        {
          title: f.title,
          value: f.value,
          target: f.target,
          unit: f.unit,
          better: f.better,
          pass: passes(f),
          runs: f.runs,
          targetNote: f.targetNote,
          limit: f.limit,
          ratio: f.ratio,
          notes: f.notes,
          ...f.extra,
        },
      ]),
    ),
    failures,
  };
  const out = values.out ?? join(resultsDir, "latest.json");
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`Wrote ${out}`);
  if (failures.length) process.exitCode = 1;
}

/** Drops every database and Redis prefix this run made, including those of a killed child. */
async function cleanUp() {
  await withPg("postgres", async (c) => {
    const { rows } = await c.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE $1", [`kith_bench_${tag}_%`]);
    for (const { datname } of rows) {
      await c.query(`DROP DATABASE IF EXISTS ${quote(datname)} WITH (FORCE)`).catch(() => undefined);
      await clearRedisPrefix(datname).catch(() => undefined);
    }
  }).catch((error) => console.error(`clean-up failed: ${error}`));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
