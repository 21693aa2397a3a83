import { randomInt } from "node:crypto";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.ts";
import { KithInstance, type TestAccount } from "./helpers/instance.ts";
import { QueueWatch } from "./helpers/queues.ts";
import { AS, RemoteServer, type Json, type RemoteActor } from "./helpers/remote-actor.ts";
import { waitFor } from "./helpers/wait.ts";

// Issue "Inbound activities answered 202 are sometimes never stored": a 202
// is a promise to store. One ROLE=web and two ROLE=worker processes share a
// database and Redis; 50 followed remote actors on 5 loopback servers send
// 10,000 public notes whose `published` times collide on a few dozen exact
// milliseconds, out of order and interleaved across actors and workers. Status
// ids are derived from `published`, so this is where two notes can be given
// the same id; every note must still be stored once, under a distinct id
// that keeps Mastodon's time order.

const SERVERS = 5;
const ACTORS_PER_SERVER = 10;
const NOTES = 10_000;
/** Boosts of those notes, dated on the same few instants: their ids are made from `published` too. */
const BOOSTS = 2_000;
/** Few distinct instants for many notes: ~250 notes share each millisecond. */
const INSTANTS = 40;
const IN_FLIGHT = 48;
/** How long the workers get to finish after the last POST; a failing run usually knows within seconds (idle queues). */
const DRAIN_MS = 180_000;

let K: KithInstance;
let db: pg.Client;
let reader: TestAccount;
let notes: Planned[] = [];
const servers: RemoteServer[] = [];
const actors: RemoteActor[] = [];
const watch = new QueueWatch();

const count = async (sql: string) => Number((await db.query(sql)).rows[0].n);

/** Follows `actor` from reader and answers the Follow with an Accept, as Mastodon does for an unlocked account. */
async function follow(server: RemoteServer, actor: RemoteActor): Promise<void> {
  const id = await K.resolve(reader.token, actor.acct);
  expect((await K.api(reader.token, "POST", `/api/v1/accounts/${id}/follow`)).status).toBe(200);
  const sent = await waitFor(async () => server.inboxActivities("Follow").find((f) => f.object === actor.id), `Kith's Follow of ${actor.acct}`);
  const { "@context": _context, ...followObject } = sent;
  const accept: Json = { "@context": AS, id: `${actor.id}#accepts/follows/${randomInt(1e9)}`, type: "Accept", actor: actor.id, object: followObject };
  expect((await server.deliver(`${K.origin}/inbox`, accept)).status).toBe(202);
}

beforeAll(async () => {
  K = await KithInstance.create("inbox_no_loss");
  await K.start("web");
  K.spawnWorker();
  K.spawnWorker();
  db = new pg.Client({ connectionString: K.env.DATABASE_URL });
  await db.connect();
  reader = await K.createAccount("reader");
  servers.push(...(await Promise.all(Array.from({ length: SERVERS }, () => RemoteServer.start()))));
  for (const [s, server] of servers.entries()) {
    for (let a = 0; a < ACTORS_PER_SERVER; a++) actors.push(server.addActor(`poster${s}x${a}`));
  }
  const serverOf = (actor: RemoteActor) => servers.find((s) => s.actors.get(actor.username) === actor)!;
  await Promise.all(actors.map((actor) => follow(serverOf(actor), actor)));
  await waitFor(async () => (await count(`SELECT count(*) AS n FROM "Follow" WHERE state = 'accepted'`)) === actors.length, "every follow to be accepted", 60_000, 250);
}, 180_000);

afterAll(async () => {
  await db?.end();
  await watch.close();
  await Promise.all([K?.destroy(), ...servers.map((s) => s.close())]);
});

afterEach((ctx) => {
  if (ctx.task.result?.state === "fail") console.error(`--- Kith logs ---\n${K.logs.join("").slice(-4000)}`);
});

type Planned = { server: RemoteServer; actor: RemoteActor; note: Json; publishedMs: number; activity?: Json };

// Within the last hour: inside the signature window and never clamped to "now" by Kith.
const base = Date.now() - 30 * 60_000;
const instants = Array.from({ length: INSTANTS }, (_, i) => base + i * 997);

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** NOTES notes, each instant used equally often, shuffled so neighbours differ in instant and actor. */
function plan(): Planned[] {
  const planned = Array.from({ length: NOTES }, (_, i): Planned => {
    const actor = actors[randomInt(actors.length)]!;
    const server = servers[Math.floor(actors.indexOf(actor) / ACTORS_PER_SERVER)]!;
    const publishedMs = instants[i % INSTANTS]!;
    const note = server.note(actor, { published: new Date(publishedMs).toISOString(), content: `<p>note ${i}</p>` });
    return { server, actor, note, publishedMs, activity: server.create(actor, note) };
  });
  return shuffle(planned);
}

/** One boost of each of the first BOOSTS notes, by another actor, on the same instants. */
function planBoosts(notes: Planned[]): Planned[] {
  return shuffle(
    notes.slice(0, BOOSTS).map((n, i): Planned => {
      const actor = actors[(actors.indexOf(n.actor) + 1 + randomInt(actors.length - 1)) % actors.length]!;
      const server = servers[Math.floor(actors.indexOf(actor) / ACTORS_PER_SERVER)]!;
      const publishedMs = instants[i % INSTANTS]!;
      const activity = { ...server.announce(actor, n.note.id as string, { objectOwner: n.actor.id }), published: new Date(publishedMs).toISOString() };
      return { server, actor, note: activity, publishedMs, activity };
    }),
  );
}

/** POSTs every note with IN_FLIGHT requests at a time; returns the answers that were not 2xx. */
async function sendAll(planned: Planned[]): Promise<string[]> {
  const refused: string[] = [];
  let next = 0;
  const lane = async () => {
    while (next < planned.length) {
      const { server, note, activity } = planned[next++]!;
      try {
        const res = await server.deliver(`${K.origin}/inbox`, activity!);
        if (res.status < 200 || res.status > 299) refused.push(`${res.status} ${note.id}: ${res.body.slice(0, 200)}`);
      } catch (error) {
        refused.push(`${(error as Error).message} ${note.id}`);
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  return refused;
}

/** Waits until `expected` remote statuses are stored, or until the queues are idle and nothing more arrives, or the bound. */
async function drained(expected: number): Promise<void> {
  const deadline = Date.now() + DRAIN_MS;
  let last = -1;
  let steady = 0;
  while (Date.now() < deadline) {
    const stored = await count(`SELECT count(*) AS n FROM "Status" WHERE NOT local`);
    if (stored >= expected) return;
    steady = stored === last && (await watch.idle(K)) ? steady + 1 : 0;
    // Idle queues and no new row for a few seconds: what is missing will not come.
    if (steady >= 5) return;
    last = stored;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

describe("inbox under colliding published times, one web and two worker processes", () => {
  it("stores every note answered 2xx exactly once, under distinct time-ordered ids", async () => {
    notes = plan();
    const planned = notes;
    const started = Date.now();
    const refused = await sendAll(planned);
    const sentMs = Date.now() - started;
    expect(refused.length, `POSTs not answered 2xx (first: ${refused.slice(0, 3).join("; ")})`).toBe(0);
    await drained(NOTES);
    console.info(`sent ${NOTES} notes in ${sentMs} ms; stored or given up after ${Date.now() - started} ms`);

    const rows = (
      await db.query<{ id: string; uri: string; ms: string }>(
        `SELECT id::text, uri, (extract(epoch FROM "createdAt") * 1000)::bigint::text AS ms FROM "Status" WHERE NOT local AND "reblogOfId" IS NULL`,
      )
    ).rows;
    const published = new Map(planned.map((p) => [p.note.id as string, p.publishedMs]));
    const storedUris = new Set(rows.map((r) => r.uri));
    const missing = [...published.keys()].filter((uri) => !storedUris.has(uri));
    const unexpected = [...storedUris].filter((uri) => !published.has(uri));
    const distinctIds = new Set(rows.map((r) => r.id)).size;
    console.info(`stored ${rows.length} rows for ${NOTES} notes: ${missing.length} missing, ${unexpected.length} unexpected, ${distinctIds} distinct ids`);

    // Soft: a failing run reports every broken promise at once, not just the first.
    expect.soft(missing.length, `notes answered 2xx but never stored (first: ${missing.slice(0, 3).join(", ")})`).toBe(0);
    expect.soft(unexpected).toEqual([]);
    expect.soft(rows.length, "rows per uri").toBe(storedUris.size);
    expect.soft(distinctIds, "distinct Status ids").toBe(rows.length);

    // Mastodon's layout: the id's high 48 bits are the post's millisecond, so sorting by id sorts by time.
    const wrongTime = rows.filter((r) => BigInt(r.id) >> 16n !== BigInt(r.ms) || Number(r.ms) !== published.get(r.uri));
    expect.soft(wrongTime.slice(0, 5), `${wrongTime.length} ids not made from the note's published millisecond`).toEqual([]);
    const byId = rows.map((r) => ({ id: BigInt(r.id), ms: Number(r.ms) })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const outOfOrder = byId.filter((r, i) => i > 0 && r.ms < byId[i - 1]!.ms).length;
    expect.soft(outOfOrder, "notes with a greater id but an earlier published time").toBe(0);

    // What the operator reads: every accepted activity (the notes and the
    // setup's Accepts) was handled, none failed or was left alone.
    const stats = async () => (await runCli(K.env, ["stats"])).json;
    await waitFor(async () => (await stats())?.inbox.handled >= NOTES + actors.length, "every activity counted", 10_000, 500).catch(() => null);
    expect.soft((await stats())?.inbox).toEqual({ handled: NOTES + actors.length, ignored: {}, retried: 0, failed: 0 });
  }, 300_000);

  it("stores every boost of those notes, dated on the same instants, once each", async () => {
    expect(notes.length).toBe(NOTES);
    const boosts = planBoosts(notes);
    const refused = await sendAll(boosts);
    expect(refused.length, `POSTs not answered 2xx (first: ${refused.slice(0, 3).join("; ")})`).toBe(0);
    await drained(NOTES + BOOSTS);
    const rows = (
      await db.query<{ id: string; uri: string; ms: string }>(
        `SELECT id::text, uri, (extract(epoch FROM "createdAt") * 1000)::bigint::text AS ms FROM "Status" WHERE "reblogOfId" IS NOT NULL`,
      )
    ).rows;
    const published = new Map(boosts.map((b) => [b.note.id as string, b.publishedMs]));
    const stored = new Set(rows.map((r) => r.uri));
    const missing = [...published.keys()].filter((uri) => !stored.has(uri));
    expect.soft(missing.length, `boosts answered 2xx but never stored (first: ${missing.slice(0, 3).join(", ")})`).toBe(0);
    expect.soft(rows.length, "rows per boost").toBe(stored.size);
    const wrongTime = rows.filter((r) => BigInt(r.id) >> 16n !== BigInt(r.ms) || Number(r.ms) !== published.get(r.uri));
    expect.soft(wrongTime.slice(0, 5), `${wrongTime.length} ids not made from the boost's published millisecond`).toEqual([]);
    expect.soft(await count(`SELECT count(DISTINCT id) AS n FROM "Status"`), "distinct Status ids").toBe(await count(`SELECT count(*) AS n FROM "Status"`));
  }, 300_000);
});