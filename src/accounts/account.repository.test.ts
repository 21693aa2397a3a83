import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { dropDatabase, PG } from "../../tests/helpers/instance.ts";
import { createDb, type Db } from "../db/client.ts";
import { migrateDatabase } from "../db/migrate.ts";
import { AccountRepository } from "./account.repository.ts";

// The account lookups run as plain statements; what they return must be the
// model Prisma's client returns, field for field and type for type.

const name = `kith_test_accountrepo_${randomBytes(4).toString("hex")}`;
let db: Db;
let repo: AccountRepository;

beforeAll(async () => {
  await migrateDatabase({ databaseUrl: `${PG}/${name}` });
  db = createDb(`${PG}/${name}`, 2);
  repo = new AccountRepository(db);
});

afterAll(async () => {
  await db?.$disconnect();
  await dropDatabase(name);
});

it("finds an account by id, uri and name exactly as Prisma's client reads it", async () => {
  const remote = await db.account.create({
    data: {
      id: 9007199254740993n, username: "Bob_Smith", domain: "Remote.Example", uri: "https://remote.example/users/bob", url: null,
      displayName: "Bob", locked: true, followersCount: 3, silencedAt: new Date("2026-03-08T06:30:15.123Z"), fetchedAt: new Date(),
    },
  });
  await db.account.create({ data: { id: 2n, username: "bobxsmith", domain: "remote.example", uri: "https://remote.example/users/bobx" } });
  const local = await db.account.create({ data: { id: 3n, username: "alice", domain: null, uri: "https://kith.example/users/alice" } });

  expect(await repo.findById(remote.id)).toEqual(await db.account.findUnique({ where: { id: remote.id } }));
  expect(await repo.findById(remote.id)).toEqual(remote);
  expect(await repo.findByUri(remote.uri)).toEqual(remote);
  expect(await repo.findByUsername("bob_smith", "remote.example")).toEqual(remote);
  expect(await repo.findByUsername("ALICE", null)).toEqual(local);
  // LIKE wildcards are literal, and a local name is not a remote one.
  expect(await repo.findByUsername("bob%", "remote.example")).toBeNull();
  expect(await repo.findByUsername("alice", "remote.example")).toBeNull();
  expect(await repo.findByUsername("bob_smith", null)).toBeNull();
  expect(await repo.findById(404n)).toBeNull();
});
