import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { dropDatabase, PG } from "../../tests/helpers/instance.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { StatusRepository } from "../statuses/status.repository.ts";
import { createDb, type Db } from "./client.ts";
import { queryRows } from "./direct.ts";
import { idAt, reserveId } from "./ids.ts";
import { migrateDatabase } from "./migrate.ts";

const name = `kith_test_ids_${randomBytes(4).toString("hex")}`;
let db: Db;
let other: Db;

beforeAll(async () => {
  await migrateDatabase({ databaseUrl: `${PG}/${name}` });
  // Two pools stand for two processes (or hosts) making ids at once.
  db = createDb(`${PG}/${name}`, 4);
  other = createDb(`${PG}/${name}`, 4);
});

afterAll(async () => {
  await db?.$disconnect();
  await other?.$disconnect();
  await dropDatabase(name);
});

const idsAt = async (on: Db, at: Date, count: number) =>
  (await queryRows<{ id: bigint }>(on, Prisma.sql`SELECT ${idAt(at)} AS id FROM generate_series(1, ${count}::int)`)).map((r) => r.id);

it("makes distinct ids for one millisecond from several connections at once, each carrying that millisecond", async () => {
  const at = new Date("2026-05-01T12:00:00.123Z");
  const batches = await Promise.all([db, other, db, other].map((on) => idsAt(on, at, 5_000)));
  const all = batches.flat();
  expect(new Set(all).size).toBe(20_000);
  for (const id of all) expect(id >> 16n).toBe(BigInt(at.getTime()));
});

it("orders ids by time whatever order the times come in, and takes a time to come as now", async () => {
  const times = [5, 1, 4, 1, 3, 5, 2].map((s) => new Date(Date.UTC(2026, 4, 1, 12, 0, s)));
  const ids: bigint[] = [];
  for (const at of times) ids.push((await idsAt(at.getTime() % 2 ? db : other, at, 1))[0]!);
  const byId = times.map((at, i) => ({ at: at.getTime(), id: ids[i]! })).sort((a, b) => (a.id < b.id ? -1 : 1));
  expect(byId.map((x) => x.at)).toEqual([...times.map((t) => t.getTime())].sort((a, b) => a - b));

  const before = BigInt(Date.now());
  const [future] = await idsAt(db, new Date(Date.now() + 86_400_000), 1);
  const reserved = await reserveId(other);
  expect(future! >> 16n).toBeGreaterThanOrEqual(before);
  expect(future! >> 16n).toBeLessThanOrEqual(BigInt(Date.now()));
  expect(reserved >> 16n).toBeGreaterThanOrEqual(before);
});

it("stores a remote post whose id meets an older row's, with an id of its own", async () => {
  const statuses = new StatusRepository(db);
  const author = await db.account.create({ data: { username: "far", domain: "remote.example", uri: "https://remote.example/users/far" } });
  const published = new Date("2026-04-30T08:15:00.042Z");
  const thread = await db.conversation.create({ data: {} });
  const row = (uri: string) => ({ uri, accountId: author.id, content: "<p>hello</p>", createdAt: published });
  // An older post took the id kith_id gives that millisecond now; the
  // sequence is then set 65,536 values on, as after that many ids made since,
  // so the next draw for that millisecond falls on it again.
  const [taken] = await idsAt(db, published, 1);
  const first = await db.status.create({ data: { ...row("https://remote.example/notes/1"), id: taken!, conversationId: thread.id } });
  await queryRows(db, Prisma.sql`SELECT setval('kith_id_seq', (SELECT last_value FROM kith_id_seq) + 65535)`);

  const second = await statuses.insert(row("https://remote.example/notes/2"), [], [], { conversationId: thread.id });
  expect(second).not.toBeNull();
  expect(second!.id).not.toBe(first.id);
  expect(second!.id >> 16n).toBe(BigInt(published.getTime()));
  expect(await db.status.count({ where: { accountId: author.id } })).toBe(2);
  // A repeat of a stored post is still refused, and not taken for a collision.
  expect(await statuses.insert(row("https://remote.example/notes/2"), [], [], { conversationId: thread.id })).toBeNull();
});
