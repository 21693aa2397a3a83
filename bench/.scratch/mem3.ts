import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { freePort, kithEnv, sandbox, sleep, until, ROOT } from "../lib/env.ts";
const box = await sandbox("mem3");
const port = await freePort();
const child = spawn(process.execPath, [`${ROOT}/src/cli/main.ts`, "serve"], { env: { PATH: process.env.PATH!, ...kithEnv({ sandbox: box, port }) }, stdio: "ignore" });
await until(async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => null))?.ok === true, "health", 30000, 50);
await sleep(4000);
console.log(readFileSync(`/proc/${child.pid}/smaps_rollup`, "utf8"));
const smaps = readFileSync(`/proc/${child.pid}/smaps`, "utf8").split("\n");
const regions: { name: string; size: number; rss: number }[] = [];
let cur: any = null;
for (const line of smaps) {
  const m = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
  if (m) { cur = { name: m[3] || "[anon]", size: 0, rss: 0 }; regions.push(cur); continue; }
  const r = /^Rss:\s+(\d+) kB/.exec(line); if (r && cur) cur.rss = Number(r[1]);
}
const by = new Map<string, number>();
for (const r of regions) by.set(r.name, (by.get(r.name) ?? 0) + r.rss);
console.log([...by].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => `${(v / 1024).toFixed(1)} MB  ${k}`).join("\n"));
const anon = regions.filter(r => r.name === "[anon]").sort((a, b) => b.rss - a.rss).slice(0, 12);
console.log("largest anon regions (MB):", anon.map(r => (r.rss / 1024).toFixed(1)).join(" "));
child.kill("SIGKILL"); await box.drop();
process.exit(0);
