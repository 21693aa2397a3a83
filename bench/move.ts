import type { Account } from "../src/accounts/account.repository.ts";
import { now, until, withPg } from "./lib/env.ts";
import { startProfile, stopProfile } from "./lib/profiler.ts";
import { DeliveryRig } from "./lib/rig.ts";
import { seedLocalFollowers, seedRemoteFollowers } from "./lib/seed.ts";
import { loopbackHost } from "./lib/sink.ts";
import { median, round, type Figure } from "./lib/stats.ts";

// Moves (issue 13), two figures:
//   out: a local account with 10,000 remote followers on 1,000 instances
//        moves (core.moves.moveOut, as `kith accounts move` does); time until
//        the sink has every delivery the move sends, one Update{Person} and
//        one Move per shared inbox (2,000), so the last Move is at or before it.
//   in:  a remote account's Move is received (core.moves.receive, what the
//        inbox listener calls once Fedify has verified it) by a server where
//        10,000 local accounts follow it; time until the job has moved every
//        one of them to the target (AccountMove.finishedAt).
// Followers are seeded with SQL; seeding is not measured.

const INSTANCES = 1_000;
const PER_INSTANCE = 10;
const LOCAL_FOLLOWERS = Number(process.env.BENCH_MOVE_FOLLOWERS ?? 10_000);

export async function run({ quick }: { quick: boolean }): Promise<Figure[]> {
  const runs = quick ? 1 : 3;
  const hosts = Array.from({ length: INSTANCES }, (_, i) => loopbackHost(4, i));
  const rig = await DeliveryRig.start("move", hosts);
  try {
    const keys = await rig.account("keys");
    const outSeconds: number[] = [];
    const inSeconds: number[] = [];
    await startProfile();
    for (let i = 0; i < runs; i++) outSeconds.push(await moveOut(rig, hosts, i));
    // Each inbound move also queues 10,000 Undo{Follow} for the origin's server, signed by 10,000
    // different accounts, which take minutes to send: later runs start while earlier ones' are
    // still going out, as on a busy server.
    for (let i = 0; i < runs; i++) inSeconds.push((await moveIn(rig, keys, hosts[i]!, i)).seconds);
    await stopProfile("move");
    return [
      {
        key: "move.out_seconds_to_last_delivery",
        title: "Move out: 10k followers on 1k instances, last Update+Move delivered",
        unit: "s",
        value: round(median(outSeconds), 2),
        runs: outSeconds.map((s) => round(s, 2)),
        target: 10,
        better: "lower",
        notes: "From core.moves.moveOut until the sink has counted 2,000 POSTs (an Update{Person} and a Move per shared inbox).",
      },
      {
        key: "move.in_seconds_to_repoint",
        title: "Move in: 10k local followers re-pointed",
        unit: "s",
        value: round(median(inSeconds), 2),
        runs: inSeconds.map((s) => round(s, 2)),
        target: 30,
        better: "lower",
        notes: "From core.moves.receive until the job has finished: each follower follows the target, keeps its lists, is notified and unfollows the origin (an Undo queued for its server). Later runs overlap earlier runs' Undo deliveries.",
        extra: { followersPerSecond: round(LOCAL_FOLLOWERS / median(inSeconds), 0) },
      },
    ];
  } finally {
    await rig.close();
  }
}

const step = (what: string, since: number) => console.error(`move: ${what} after ${round((now() - since) / 1000, 1)} s`);

async function moveOut(rig: DeliveryRig, hosts: string[], i: number): Promise<number> {
  const started = now();
  const mover = await rig.account(`mover${i}`);
  const dest = await rig.account(`dest${i}`);
  await rig.followers(mover, hosts, PER_INSTANCE, `m${i}x`);
  await rig.core.aliases.add(dest.id, mover.uri);
  await rig.settle();
  step(`out run ${i}: seeded`, started);
  await rig.sink.reset();
  const t0 = now();
  await rig.core.moves.moveOut(mover.id, dest.username, "operator");
  const got = await rig.sink.expect(2 * INSTANCES, 120_000);
  step(`out run ${i}: delivered`, t0);
  return (got.last - t0) / 1000;
}

async function moveIn(rig: DeliveryRig, keys: Account, host: string, i: number): Promise<{ seconds: number }> {
  const started = now();
  const target = await rig.account(`home${i}`);
  // The origin: one remote account, followed by nobody remote.
  const withPort = `${host}:${rig.sinkPort}`;
  const originLabel = `origin${i}x`;
  await withPg(rig.box.name, (c) => seedRemoteFollowers(c, target.id, [withPort], 1, originLabel));
  const origin = (await rig.core.accounts.findByUri(`http://${withPort}/users/${originLabel}0`))!;
  // Seeded above as one of the target's followers; it is only the origin here.
  await rig.core.follows.receiveUndo(origin.id, target.id);
  await withPg(rig.box.name, (c) => seedLocalFollowers(c, origin.id, LOCAL_FOLLOWERS, keys.id, rig.core.urls.origin, `l${i}x`));
  await rig.core.aliases.add(target.id, origin.uri);
  step(`in run ${i}: seeded`, started);
  const t0 = now();
  const outcome = await rig.core.moves.receive(origin, target.uri);
  if (outcome !== "handled") throw new Error(`the Move was not honoured: ${outcome}`);
  let finished = 0;
  let shown = t0;
  await until(
    async () => {
      const [move] = await rig.core.moves.history(origin.id);
      if (move?.finishedAt) finished = now();
      if (now() - shown > 5_000) {
        shown = now();
        step(`in run ${i}: ${move?.followersMoved} moved, ${move?.followersPending} to go`, t0);
      }
      return Boolean(move?.finishedAt);
    },
    "the inbound move to finish",
    120_000,
    50,
  );
  if (!finished) throw new Error("the inbound move never finished");
  step(`in run ${i}: finished`, t0);
  const [move] = await rig.core.moves.history(origin.id);
  if (move!.followersMoved !== LOCAL_FOLLOWERS) throw new Error(`moved ${move!.followersMoved} of ${LOCAL_FOLLOWERS} followers (${move!.followersFailed} failed)`);
  return { seconds: (finished - t0) / 1000 };
}
