import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Account } from "../src/accounts/account.repository.ts";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";
import { RemoteServer, type RemoteActor } from "./helpers/remote-actor.ts";
import { waitFor } from "./helpers/wait.ts";

// A follower's server that missed alice's Move (it was down past the
// retries, or lost it) still follows her old account. The next time it
// delivers anything here, it is sent the Move again, and not more than once a day.

let kith: InProcess;
let R: RemoteServer;
let fan: RemoteActor;
let alice: Account;
let home: Account;

const inbox = () => `${kith.core.urls.origin}/inbox`;
const movesAtR = () => R.inboxActivities("Move").filter((m) => m.object === alice.uri && m.target === home.uri);

beforeAll(async () => {
  [kith, R] = await Promise.all([startInProcess("move_reminder"), RemoteServer.start()]);
  alice = await kith.core.accounts.createLocal("alice");
  home = await kith.core.accounts.createLocal("home");
  fan = R.addActor("fan");
  expect((await R.deliver(`${kith.core.urls.origin}/users/alice/inbox`, R.follow(fan, alice.uri))).status).toBe(202);
  await waitFor(async () => (await kith.core.accounts.findById(alice.id))?.followersCount === 1, "fan's follow to be accepted");
  await kith.core.aliases.add(home.id, alice.uri);
}, 60_000);

afterAll(async () => {
  await kith?.destroy();
  await R?.close();
});

describe("a follower's server that missed a Move", () => {
  it("is sent it again when it next delivers something, once a day at most", async () => {
    await kith.core.moves.moveOut(alice.id, "home", "operator");
    await waitFor(async () => movesAtR().length === 1, "the Move at fan's server");
    // fan's server ignored it: fan still follows alice, and likes one of home's posts.
    const post = await kith.core.statuses.create(home, { text: "new home", visibility: "public" });
    expect((await R.deliver(inbox(), R.like(fan, post.uri))).status).toBe(202);
    await waitFor(async () => movesAtR().length === 2, "the Move sent again");
    const [first, second] = movesAtR();
    expect(second!.id).toBe(first!.id);
    // A second activity the same day brings no third Move.
    expect((await R.deliver(inbox(), R.undo(fan, R.like(fan, post.uri)))).status).toBe(202);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(movesAtR()).toHaveLength(2);
  });
});
