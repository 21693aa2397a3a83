import { Session } from "node:inspector/promises";
import { DeliveryRig } from "../lib/rig.ts";
import { loopbackHost } from "../lib/sink.ts";
const hosts = Array.from({ length: 1000 }, (_, i) => loopbackHost(2, i));
const rig = await DeliveryRig.start("fanalloc", hosts);
const star = await rig.account("star");
await rig.followers(star, hosts, 10);
await rig.post(star, "warm", 1000);
await rig.settle();
const s = new Session(); s.connect();
await s.post("HeapProfiler.enable");
await s.post("HeapProfiler.startSampling", { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
await rig.post(star, "measured", 1000);
await rig.settle();
const { profile } = await s.post("HeapProfiler.getSamplingProfile");
await s.post("HeapProfiler.stopSampling");
const self = new Map<string, number>(); const byArea = new Map<string, number>();
const walk = (n: any, stack: string[]) => {
  const f = n.callFrame; const name = `${f.functionName || "(anon)"} ${f.url.replace(/^.*node_modules\//, "").replace(/^file:\/\/\/work\/main\//, "")}:${f.lineNumber + 1}`;
  if (n.selfSize) { self.set(name, (self.get(name) ?? 0) + n.selfSize);
    const area = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f.url)?.[1] ?? (f.url.includes("/work/main/") ? "kith/" + f.url.split("/work/main/")[1].split("/")[0] : f.url || "(native)");
    // attribute to first non-native ancestor area
    byArea.set(area, (byArea.get(area) ?? 0) + n.selfSize); }
  for (const c of n.children ?? []) walk(c, [...stack, name]);
};
walk(profile.head, []);
const total = [...self.values()].reduce((a, b) => a + b, 0);
console.log("total sampled allocation MB", (total / 2 ** 20).toFixed(1));
console.log([...byArea].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([k, v]) => `${(v / 2 ** 20).toFixed(1).padStart(6)} MB ${k}`).join("\n"));
console.log([...self].sort((a, b) => b[1] - a[1]).slice(0, 30).map(([k, v]) => `${(v / 2 ** 20).toFixed(1).padStart(6)} MB ${k}`).join("\n"));
await rig.close();
process.exit(0);
