import { DeliveryRig } from "../lib/rig.ts";
import { loopbackHost } from "../lib/sink.ts";
import v8 from "node:v8";
const hosts = Array.from({ length: 1000 }, (_, i) => loopbackHost(2, i));
const rig = await DeliveryRig.start("fanmem", hosts);
const star = await rig.account("star");
await rig.followers(star, hosts, 10);
const mb = (n: number) => (n / 2 ** 20).toFixed(0);
for (let i = 0; i < 8; i++) {
  await rig.settle();
  const m = process.memoryUsage();
  const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map(s => [s.space_name, mb(s.space_used_size) + "/" + mb(s.space_size)]));
  console.log(`run ${i}: rss ${mb(m.rss)} heapUsed ${mb(m.heapUsed)} heapTotal ${mb(m.heapTotal)} ext ${mb(m.external)}`, spaces.new_space, spaces.old_space, spaces.large_object_space);
  const r = await rig.post(star, `run ${i}`, 1000, { sampleRss: true });
  console.log(`   total ${(r.totalMs/1000).toFixed(2)} s, rss growth ${mb(r.rssGrowth)} heap growth ${mb(r.heapGrowth)}`);
  if (process.env.GC && globalThis.gc) { await rig.settle(); globalThis.gc(); }
}
await rig.close();
process.exit(0);
