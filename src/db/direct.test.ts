import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { dropDatabase, PG } from "../../tests/helpers/instance.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { createDb, type Db } from "./client.ts";
import { execute, queryRows } from "./direct.ts";
import { migrateDatabase } from "./migrate.ts";

const name = `kith_test_direct_${randomBytes(4).toString("hex")}`;
let db: Db;
const zone = process.env.TZ;

beforeAll(async () => {
  await migrateDatabase({ databaseUrl: `${PG}/${name}` });
  db = createDb(`${PG}/${name}`, 2);
  // A server whose clock is not on UTC must still store and read UTC.
  process.env.TZ = "America/St_Johns";
});

afterAll(async () => {
  if (zone === undefined) delete process.env.TZ;
  else process.env.TZ = zone;
  await db?.$disconnect();
  await dropDatabase(name);
});

const sample = (at: Date) => Prisma.sql`
  SELECT 9007199254740993::bigint AS big, ARRAY[1, 9007199254740993, NULL]::bigint[] AS bigs, ${at}::timestamp(3) AS at,
    ARRAY[${at}::timestamp(3), NULL] AS ats, now() AS "withZone", '{"a": [1, "b"]}'::jsonb AS doc, 'unlisted'::"Visibility" AS visibility,
    ARRAY['x', 'y z']::text[] AS words, 3::int AS small, true AS yes, NULL::bigint AS nothing, 'plain' AS text`;

it("types rows as Prisma's $queryRaw does, and keeps dates in UTC whatever the process's zone", async () => {
  const at = new Date("2026-03-08T06:30:15.123Z");
  const [direct] = await queryRows<Record<string, unknown>>(db, sample(at));
  const [prisma] = await db.$queryRaw<Record<string, unknown>[]>(sample(at));
  expect(direct!.withZone).toBeInstanceOf(Date);
  delete direct!.withZone;
  delete prisma!.withZone;
  expect(direct).toEqual(prisma);
  expect(direct).toMatchObject({ big: 9007199254740993n, bigs: [1n, 9007199254740993n, null], at, ats: [at, null], doc: { a: [1, "b"] }, visibility: "unlisted" });
});

it("writes what Prisma's client reads back, and counts the rows a statement changed", async () => {
  const at = new Date("2026-07-01T23:59:59.999Z");
  const id = 4242n;
  await db.conversation.create({ data: { id } });
  const written = await execute(db, Prisma.sql`INSERT INTO "Setting" (key, value, "updatedAt") VALUES (${"probe"}, ${JSON.stringify({ at })}::jsonb, ${at}::timestamp(3))`);
  expect(written).toBe(1);
  const stored = await db.setting.findUnique({ where: { key: "probe" } });
  expect(stored?.updatedAt).toEqual(at);
  expect(await execute(db, Prisma.sql`DELETE FROM "Conversation" WHERE id = ANY(${[id, 1n]}::bigint[])`)).toBe(1);
});

it("runs inside a transaction on the transaction's connection", async () => {
  await expect(
    db.$transaction(async (tx) => {
      await execute(tx, Prisma.sql`INSERT INTO "Conversation" (id) VALUES (${77n}::bigint)`);
      expect(await queryRows<{ id: bigint }>(tx, Prisma.sql`SELECT id FROM "Conversation" WHERE id = ${77n}::bigint`)).toEqual([{ id: 77n }]);
      throw new Error("roll back");
    }),
  ).rejects.toThrow("roll back");
  expect(await db.conversation.findUnique({ where: { id: 77n } })).toBeNull();
});
