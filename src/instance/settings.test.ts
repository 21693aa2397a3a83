import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createDb, type Db } from "../db/client.ts";
import { migrateDatabase } from "../db/migrate.ts";
import { LocalPubSub } from "../streaming/pubsub.ts";
import { SettingsService, type SettingsChanged } from "./settings.ts";
import { dropDatabase, PG } from "../../tests/helpers/instance.ts";

const name = `kith_test_settings_${randomBytes(4).toString("hex")}`;
let db: Db;

beforeAll(async () => {
  await migrateDatabase({ databaseUrl: `${PG}/${name}` });
  db = createDb(`${PG}/${name}`, 2);
});

afterAll(async () => {
  await db?.$disconnect();
  await dropDatabase(name);
});

it("has defaults, stores changes, and refuses bad values without storing them", async () => {
  const settings = new SettingsService(db);
  expect(await settings.get("registrationMode")).toBe("approval");
  expect(await settings.get("requireEmail")).toBe(false);
  await settings.update({ registrationMode: "invite", title: "Tea Club" });
  expect(await new SettingsService(db).all()).toMatchObject({ registrationMode: "invite", title: "Tea Club" });
  await expect(settings.update({ registrationMode: "everyone" as never })).rejects.toThrow();
  expect(await new SettingsService(db).get("registrationMode")).toBe("invite");
});

it("a change made by one process is seen at once by another that follows the notices, and not before by one that does not", async () => {
  const notices = new LocalPubSub<SettingsChanged>();
  const [writer, follower, deaf] = [new SettingsService(db, notices), new SettingsService(db, notices), new SettingsService(db)];
  await follower.follow();
  // Both copies are fresh, kept for seconds.
  expect(await follower.get("title")).toBe("Tea Club");
  expect(await deaf.get("title")).toBe("Tea Club");
  await writer.update({ title: "Coffee Club" });
  expect(await follower.get("title")).toBe("Coffee Club");
  expect(await deaf.get("title")).toBe("Tea Club");
});

it("a change is stored even when the notice cannot be sent, and the failure is reported", async () => {
  const reported: unknown[] = [];
  const broken = new LocalPubSub<SettingsChanged>((err) => reported.push(err));
  broken.publish = () => Promise.reject(new Error("cannot connect to Redis"));
  await new SettingsService(db, broken).update({ title: "Juice Club" });
  expect(await new SettingsService(db).get("title")).toBe("Juice Club");
  expect(reported).toEqual([new Error("cannot connect to Redis")]);
});
