import { startProfile, stopProfile } from "./lib/profiler.ts";
import { DeliveryRig, medianCpu, type PostResult } from "./lib/rig.ts";
import { loopbackHost } from "./lib/sink.ts";
import { median, round, type Figure } from "./lib/stats.ts";
import { bareSignedPosts } from "./lib/bare-posts.ts";

// Fan-out: one public post from an account with 10,000 remote followers on
// 1,000 instances (10 per instance, sharing its shared inbox). Time from
// core.statuses.create until the last of the 1,000 shared-inbox deliveries
// lands, and how much this process's resident memory grows meanwhile.
//
// JIT warm-up goes through a different account whose followers live on other
// hosts, so the first measured run meets 1,000 cold connections (reported
// separately); later runs find them kept alive, as a busy server would.

const INSTANCES = 1_000;
const PER_INSTANCE = 10;

export async function run({ quick }: { quick: boolean }): Promise<Figure[]> {
  const runs = quick ? 3 : 5;
  const hosts = Array.from({ length: INSTANCES }, (_, i) => loopbackHost(2, i));
  const warmHosts = Array.from({ length: 50 }, (_, i) => loopbackHost(3, i));
  const rig = await DeliveryRig.start("fanout", [...hosts, ...warmHosts]);
  try {
    const [star, warm] = [await rig.account("star"), await rig.account("warm")];
    await rig.followers(star, hosts, PER_INSTANCE);
    await rig.followers(warm, warmHosts, 1, "w");
    for (let i = 0; i < 2; i++) await rig.post(warm, `Fan-out warm-up ${i}`, warmHosts.length);
    await rig.settle();

    const results: PostResult[] = [];
    await startProfile();
    for (let i = 0; i < runs; i++) {
      await rig.settle();
      results.push(await rig.post(star, `Fan-out benchmark: run ${i + 1}`, INSTANCES, { sampleRss: true }));
    }
    await stopProfile("fanout");

    // The limit, once Kith is idle: 1,000 signed POSTs to the same sink hosts
    // over fresh connections, straight from node:crypto and node:http.
    await rig.settle();
    const floor = await bareSignedPosts(hosts.map((h) => `http://${h}:${rig.sinkPort}/inbox`), rig.sink, 16);

    const seconds = results.map((r) => r.totalMs / 1000);
    const growthMb = results.map((r) => r.rssGrowth / 2 ** 20);
    const value = median(seconds);
    return [
      {
        key: "fanout.seconds_to_last_delivery",
        title: "Fan-out: 10k followers on 1k instances, last delivery",
        unit: "s",
        value: round(value, 2),
        runs: seconds.map((s) => round(s, 2)),
        target: 2,
        better: "lower",
        limit: { title: "1k bare signed POSTs, node:crypto+node:http, 16 at once", value: round(floor.seconds, 2), unit: "s" },
        ratio: { value: round(value / floor.seconds, 1), of: "÷ bare POSTs" },
        notes: "First run meets cold connections to the 1,000 hosts; later runs reuse kept-alive ones.",
        extra: {
          coldRunSeconds: round(seconds[0]!, 2),
          warmRunsMedianSeconds: round(median(seconds.slice(1)), 2),
          createMs: round(median(results.map((r) => r.createMs)), 1),
          firstDeliveryMs: round(median(results.map((r) => r.first - r.t0)), 0),
          kithCpuSeconds: round(median(results.map((r) => r.cpuMs / 1000)), 2),
          cpuMsPerDelivery: medianCpu(results),
          newConnectionsPerRun: results.map((r) => r.connections),
          distinctHosts: results.map((r) => r.hosts),
          bareSignedPostsPerSecond: round(floor.perSecond, 0),
        },
      },
      {
        key: "fanout.rss_growth_mb",
        title: "Fan-out: resident memory growth during it",
        unit: "MB",
        value: round(median(growthMb), 1),
        runs: growthMb.map((g) => round(g, 1)),
        target: 50,
        better: "lower",
        limit: { title: "RSS at start of the run", value: round(results[0]!.rssAtStart / 2 ** 20, 0), unit: "MB" },
        notes: "Peak RSS (sampled every 10 ms) minus RSS just before core.statuses.create, Kith's process (ROLE=all).",
        extra: {
          maxGrowthMb: round(Math.max(...growthMb), 1),
          rssAtStartMb: results.map((r) => round(r.rssAtStart / 2 ** 20, 0)),
          heapUsedGrowthMb: results.map((r) => round(r.heapGrowth / 2 ** 20, 1)),
          externalGrowthMb: results.map((r) => round(r.externalGrowth / 2 ** 20, 1)),
        },
      },
    ];
  } finally {
    await rig.close();
  }
}
