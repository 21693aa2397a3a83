import { readFileSync } from "node:fs";

// Summarises a .cpuprofile: self time by function and by package/source area,
// and inclusive time of selected frames.
//   node bench/lib/profile-summary.ts bench/results/profiles/delivery.cpuprofile [--top 40] [--inclusive name,name]

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] };
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

const [file, ...rest] = process.argv.slice(2);
if (!file) {
  console.error("usage: profile-summary.ts <file.cpuprofile> [--top N] [--inclusive fn1,fn2]");
  process.exit(1);
}
const top = Number(rest[rest.indexOf("--top") + 1] ?? 40) || 40;
const inclusiveNames = rest.includes("--inclusive") ? (rest[rest.indexOf("--inclusive") + 1] ?? "").split(",") : [];
const callersOf = rest.includes("--callers") ? (rest[rest.indexOf("--callers") + 1] ?? "") : "";

const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// Self time per node from samples × deltas (µs).
const selfUs = new Map<number, number>();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i]!;
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

function area(url: string, fn: string): string {
  if (!url) return fn.startsWith("(") ? fn : "(native)";
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  if (url.startsWith("node:")) return url;
  const local = /\/(src|federation|workers|routes|bench)\//.exec(url);
  return local ? `kith/${local[1]}` : url;
}

const bucket = (map: Map<string, number>, key: string, v: number) => map.set(key, (map.get(key) ?? 0) + v);
const byFunction = new Map<string, number>();
const byArea = new Map<string, number>();
for (const [id, us] of selfUs) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  const short = url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*?\/(src|federation|workers|routes|bench)\//, "$1/");
  bucket(byFunction, `${functionName || "(anonymous)"}  ${short}:${lineNumber + 1}`, us);
  bucket(byArea, area(url, functionName), us);
}

// Inclusive time: samples whose stack contains a frame with the given name.
const inclusive = new Map<string, number>();
if (inclusiveNames.length) {
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const name = byId.get(cur)!.callFrame.functionName;
      if (inclusiveNames.includes(name) && !seen.has(name)) {
        seen.add(name);
        bucket(inclusive, name, us);
      }
    }
  }
}

// Call paths (4 frames up) leading to a function's self time.
const paths = new Map<string, number>();
if (callersOf) {
  for (const [id, us] of selfUs) {
    if (byId.get(id)!.callFrame.functionName !== callersOf) continue;
    const frames: string[] = [];
    for (let cur = parent.get(id); cur !== undefined && frames.length < Number(process.env.DEPTH ?? 6); cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      frames.push(`${f.functionName || "(anon)"}@${f.url.replace(/^.*\//, "")}:${f.lineNumber + 1}`);
    }
    bucket(paths, frames.join(" < "), us);
  }
}

const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)} %`;
const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled over ${((profile.endTime - profile.startTime) / 1000).toFixed(0)} ms`);
console.log("\nSelf time by area:");
for (const [k, v] of [...byArea].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${ms(v)} ${pct(v)}  ${k}`);
console.log(`\nSelf time by function (top ${top}):`);
for (const [k, v] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(v)} ${pct(v)}  ${k}`);
if (inclusive.size) {
  console.log("\nInclusive time:");
  for (const [k, v] of [...inclusive].sort((a, b) => b[1] - a[1])) console.log(`${ms(v)} ${pct(v)}  ${k}`);
}
if (paths.size) {
  console.log(`\nCallers of ${callersOf}:`);
  for (const [k, v] of [...paths].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${ms(v)} ${pct(v)}  ${k}`);
}
