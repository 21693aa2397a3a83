import { mark, perItem } from "./lib/counters.ts";
import { signingRates, signRate, type SigningRates } from "./lib/limits.ts";
import { startProfile, stopProfile } from "./lib/profiler.ts";
import { DeliveryRig, medianCpu, type PostResult } from "./lib/rig.ts";
import { loopbackHost } from "./lib/sink.ts";
import { median, round, type Figure } from "./lib/stats.ts";

// Signed deliveries per second, end to end, through Kith's real path:
// core.statuses.create → kith-jobs "federate" → Fedify sendActivity → fan-out
// queue → one BullMQ outbox job per shared inbox → signed POST → a sink that
// only counts. N remote followers, each on its own loopback host, so every
// delivery goes to a distinct shared inbox. Compared with how many RSA-2048
// signatures one core makes per second, measured first in the same run.

export async function run({ quick }: { quick: boolean }): Promise<Figure[]> {
  const n = quick ? 1000 : 2000;
  const runs = quick ? 3 : 5;
  const hosts = Array.from({ length: n }, (_, i) => loopbackHost(1, i));
  let limits: SigningRates | null = null;
  const rig = await DeliveryRig.start("delivery", hosts, async () => {
    limits = await signingRates(quick ? 400 : 1500, 3);
  });
  try {
    const alice = await rig.account("alice");
    await rig.followers(alice, hosts);

    await rig.post(alice, "Delivery benchmark: warm-up", n); // JIT, key cache
    const results: PostResult[] = [];
    // The machine's speed drifts over a run (a VM's neighbours): the limit is
    // taken again before each run, with Kith idle, and all its samples count.
    const signRuns = [...limits!.signRuns];
    const counted = mark();
    await startProfile();
    for (let i = 0; i < runs; i++) {
      await rig.settle();
      signRuns.push(signRate(quick ? 250 : 500));
      results.push(await rig.post(alice, `Delivery benchmark: run ${i + 1}`, n));
    }
    await stopProfile("delivery");
    const counts = perItem(counted, runs * n);

    const sign = median(signRuns);
    const rates = results.map((r) => (n * 1000) / r.totalMs);
    const value = median(rates);
    const pick = (f: (r: PostResult) => number, digits = 1) => round(median(results.map(f)), digits);
    return [
      {
        key: "delivery.deliveries_per_s",
        title: `Signed deliveries/s, end to end (${n} shared inboxes)`,
        unit: "deliveries/s",
        value: round(value, 0),
        runs: rates.map((r) => round(r, 0)),
        target: round(0.5 * sign, 0),
        better: "higher",
        targetNote: "≥ 0.5 × RSA-2048 signatures/s on one core (same run)",
        limit: { title: "RSA-2048 signs/s, 1 core", value: round(sign, 0), unit: "signs/s" },
        ratio: { value: round(value / sign, 3), of: "÷ signs/s" },
        notes: "One public post to N remote followers on N distinct loopback hosts; t0 = before core.statuses.create, end = last POST counted by the sink.",
        extra: {
          steadyPerSecond: pick((r) => ((n - 1) * 1000) / (r.last - r.first), 0),
          createMs: pick((r) => r.createMs),
          firstDeliveryMs: pick((r) => r.first - r.t0),
          totalMs: pick((r) => r.totalMs, 0),
          cpuMsPerDelivery: medianCpu(results),
          newConnectionsPerRun: results.map((r) => r.connections),
          signedReceipts: results.map((r) => r.signed),
          distinctHosts: results.map((r) => r.hosts),
          counts,
        },
      },
      {
        key: "delivery.sign_per_s",
        title: "RSA-2048 signatures/s, one core (the limit)",
        unit: "signs/s",
        value: round(sign, 0),
        runs: signRuns.map((r) => round(r, 0)),
        target: null,
        better: "higher",
        notes: "node:crypto sign, RSA-2048/SHA-256, cached KeyObject, typical draft-cavage signing string, one thread; before Kith starts and again before each delivery run (median of all).",
        extra: { subtleSignPerSecond: round(limits!.subtleSignPerSecond, 0), verifyPerSecond: round(limits!.verifyPerSecond, 0) },
      },
    ];
  } finally {
    await rig.close();
  }
}
