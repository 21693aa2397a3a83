import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, kithEnv, productionNodeOptions, ROOT, sandbox, sleep, until } from "./lib/env.ts";
import { median, round, type Figure } from "./lib/stats.ts";

// Resident memory of one idle ROLE=all process: `bin/kith serve` as a child
// (what `npm start` and the Docker image run: the compiled dist/, see
// scripts/build.sh, with the V8 flags of bin/node-options), read from
// /proc/<pid>/status once /health answers and the process has been idle for a
// few seconds. bin/kith ends in exec, so the child's pid is Node's.
// Limit in the same run: a bare Node process doing nothing.

function status(pid: number): { rssMb: number; hwmMb: number } {
  const text = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? NaN);
  return { rssMb: kb("VmRSS") / 1024, hwmMb: kb("VmHWM") / 1024 };
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  await Promise.race([exited, sleep(5_000)]);
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}

export async function run({ quick }: { quick: boolean }): Promise<Figure[]> {
  const runs = quick ? 1 : 3;
  const idleMs = quick ? 3_000 : 5_000;
  const samples: { rssMb: number; hwmMb: number; startMs: number }[] = [];
  // bin/kith compiles dist/ first when a source is newer: done here, so that
  // startupMs times the start-up only.
  execFileSync("sh", ["-c", "sh scripts/build.sh --check || sh scripts/build.sh"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  for (let r = 0; r < runs; r++) {
    const box = await sandbox("memory");
    const port = await freePort();
    const t0 = Date.now();
    const child = spawn("sh", [join(ROOT, "bin/kith"), "serve"], {
      cwd: ROOT,
      // bin/kith reads an empty NODE_OPTIONS as unset, hence a blank for no flags.
      env: { PATH: process.env.PATH ?? "", NODE_OPTIONS: productionNodeOptions().join(" ") || " ", ...kithEnv({ sandbox: box, port, role: "all" }) },
      stdio: ["ignore", "ignore", "inherit"],
    });
    try {
      await until(async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => null))?.ok === true, "kith serve to answer /health", 30_000, 50);
      const startMs = Date.now() - t0;
      await sleep(idleMs);
      samples.push({ ...status(child.pid!), startMs });
    } finally {
      await stop(child);
      await box.drop();
    }
  }

  // The limit: what Node itself costs, idle.
  const bare = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  await sleep(1_000);
  const bareMb = status(bare.pid!).rssMb;
  await stop(bare);

  const rss = samples.map((s) => s.rssMb);
  const value = median(rss);
  return [
    {
      key: "memory.idle_rss_mb",
      title: `Idle RSS of one ROLE=all process (kith serve, ${idleMs / 1000} s idle)`,
      unit: "MB",
      value: round(value, 1),
      runs: rss.map((v) => round(v, 1)),
      target: 150,
      better: "lower",
      limit: { title: "bare node, idle", value: round(bareMb, 1), unit: "MB" },
      ratio: { value: round(value / bareMb, 1), of: "÷ bare node" },
      notes: "VmRSS from /proc/<pid>/status of `bin/kith serve` (ROLE=all, compiled dist/) after /health answers and it idles.",
      extra: { peakRssMb: samples.map((s) => round(s.hwmMb, 1)), startupMs: samples.map((s) => s.startMs) },
    },
  ];
}
