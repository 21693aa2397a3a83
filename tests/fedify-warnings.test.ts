import { configure, reset, type LogRecord } from "@logtape/logtape";
import { afterAll, beforeAll, expect, it } from "vitest";
import { localUser, startInProcess, type InProcess } from "./helpers/in-process.ts";
import { RemoteServer } from "./helpers/remote-actor.ts";
import { waitFor } from "./helpers/wait.ts";

// What Kith sends to its addressee only (Follow, Accept, Like, ...) goes with
// its HTTP signature alone, on purpose: Fedify must not warn about a missing
// proof each time, or every follow fills an operator's log with a warning.

let kith: InProcess;
let remote: RemoteServer;
const warnings: LogRecord[] = [];

beforeAll(async () => {
  await configure({
    reset: true,
    sinks: { capture: (record: LogRecord) => void warnings.push(record) },
    loggers: [
      { category: "fedify", sinks: ["capture"], lowestLevel: "warning" },
      { category: ["logtape", "meta"], sinks: [], lowestLevel: "warning" },
    ],
  });
  kith = await startInProcess("fedify_warnings");
  remote = await RemoteServer.start();
}, 60_000);

afterAll(async () => {
  await remote?.close();
  await kith?.destroy();
  await reset();
});

const text = (r: LogRecord) => r.message.map(String).join("");

it("sends a Follow without a Linked Data signature or proof, and without warning about it", async () => {
  const target = remote.addActor("quiet_target");
  const me = await localUser(kith, "follower");
  const id = (await kith.core.accounts.resolve(`quiet_target@${remote.host}`))!.id;
  const res = await kith.app!.inject({ method: "POST", url: `/api/v1/accounts/${id}/follow`, headers: { authorization: `Bearer ${me.token}` } });
  expect(res.statusCode).toBe(200);
  await waitFor(async () => remote.inboxActivities("Follow").some((a) => a.object === target.id), "the Follow to arrive");
  const follow = remote.inboxActivities("Follow").find((a) => a.object === target.id)!;
  expect(follow.signature).toBeUndefined();
  expect(follow.proof).toBeUndefined();
  expect(warnings.map(text).filter((m) => /proof|Linked Data signature/i.test(m))).toEqual([]);
});
