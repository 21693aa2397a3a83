import { startProfile, stopProfile } from "./lib/profiler.ts";
import { DeliveryRig, medianCpu, type PostResult } from "./lib/rig.ts";
import { loopbackHost } from "./lib/sink.ts";
import { median, round, type Figure } from "./lib/stats.ts";

// Retry load: 1,000 shared inboxes (--quick: 500) of which 100 (50) are dead — connection refused
// (loopback addresses nothing listens on) — interleaved among the 900 live
// ones. Time to the last live delivery, compared with the same 900 live
// inboxes and no dead ones, alternating in the same run. Two local accounts:
// "base" followed from the 900 live hosts, "mixed" from the same 900 plus the
// 100 dead. Production retry settings (first retry after 60 s), so each
// failure costs what the first attempt costs: the failed connect, the
// failure handling and the rescheduled job.

export async function run({ quick }: { quick: boolean }): Promise<Figure[]> {
  // --quick keeps the 1-in-10 proportion with half the inboxes.
  const LIVE = quick ? 450 : 900;
  const DEAD = quick ? 50 : 100;
  // Each run now takes a few tenths of a second, so one GC pause or a late
  // timer moves a pair by ten percent or more (pairs of one run spread from
  // -24 to +40 %): the median is taken over fifteen pairs.
  const pairs = quick ? 3 : 15;
  const live = Array.from({ length: LIVE }, (_, i) => loopbackHost(7, i));
  const dead = Array.from({ length: DEAD }, (_, i) => loopbackHost(9, i));
  // One dead inbox after every nine live ones, so failures fall among the live deliveries.
  const mixed: string[] = [];
  for (let i = 0; i < LIVE; i++) {
    mixed.push(live[i]!);
    if (i % 9 === 8) mixed.push(dead[(i - 8) / 9]!);
  }
  const rig = await DeliveryRig.start("retry", live);
  try {
    const [base, withDead] = [await rig.account("base"), await rig.account("mixed")];
    await rig.followers(base, live, 1, "b");
    await rig.followers(withDead, mixed, 1, "m");
    await rig.post(base, "Retry benchmark: warm-up", LIVE);
    await rig.settle();

    const clean: PostResult[] = [];
    const loaded: PostResult[] = [];
    const delayedBefore = await rig.queues.delayed();
    await startProfile();
    for (let i = 0; i < pairs; i++) {
      // Alternate which goes first, so neither always meets warmer connections.
      const order = i % 2 === 0 ? ([base, withDead] as const) : ([withDead, base] as const);
      for (const author of order) {
        await rig.settle();
        const result = await rig.post(author, `Retry benchmark: pair ${i + 1}`, LIVE);
        (author === base ? clean : loaded).push(result);
      }
    }
    await stopProfile("retry");
    await rig.settle();
    const retriesScheduled = (await rig.queues.delayed()) - delayedBefore;

    const cleanS = clean.map((r) => r.totalMs / 1000);
    const loadedS = loaded.map((r) => r.totalMs / 1000);
    const ratios = loadedS.map((l, i) => l / cleanS[i]!);
    const slowdown = (median(ratios) - 1) * 100;
    return [
      {
        key: "retry.live_slowdown_pct",
        title: `Retry load: ${DEAD} dead of ${LIVE + DEAD} inboxes, slowdown of the ${LIVE} live`,
        unit: "%",
        value: round(slowdown, 1),
        runs: ratios.map((r) => round((r - 1) * 100, 1)),
        target: 10,
        better: "lower",
        limit: { title: `time to last of ${LIVE} live, no dead inboxes`, value: round(median(cleanS), 2), unit: "s" },
        ratio: { value: round(median(ratios), 3), of: "with dead ÷ without" },
        notes: "Dead = connection refused (nothing listens on those loopback addresses). Pairs alternate order; the ratio is per pair, then the median.",
        extra: {
          withDeadSeconds: loadedS.map((s) => round(s, 2)),
          withoutDeadSeconds: cleanS.map((s) => round(s, 2)),
          firstLiveDeliveryMs: { withDead: loaded.map((r) => round(r.first - r.t0, 0)), without: clean.map((r) => round(r.first - r.t0, 0)) },
          kithCpuSecondsWithDead: round(median(loaded.map((r) => r.cpuMs / 1000)), 2),
          kithCpuSecondsWithout: round(median(clean.map((r) => r.cpuMs / 1000)), 2),
          retriesScheduled,
          cpuMsPerLiveDeliveryWithDead: medianCpu(loaded),
          cpuMsPerLiveDeliveryWithout: medianCpu(clean),
          newConnectionsPerRun: { withDead: loaded.map((r) => r.connections), without: clean.map((r) => r.connections) },
        },
      },
    ];
  } finally {
    await rig.close();
  }
}
