import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createDb, type Db } from "../db/client.ts";
import { migrateDatabase } from "../db/migrate.ts";
import { SettingsService } from "./settings.ts";
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
