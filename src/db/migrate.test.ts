import { createHash, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { connectMaintenance, defaultMigrationsDir, migrateDatabase, quoteIdent } from "./migrate.ts";

const serverUrl = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const created: string[] = [];
const tempDirs: string[] = [];

function freshDatabaseUrl(): string {
  const name = `kith_test_migrate_${randomBytes(5).toString("hex")}`;
  created.push(name);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function query<T extends pg.QueryResultRow>(databaseUrl: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** Table names of the models in schema.prisma (honouring @@map). */
async function modelTables(): Promise<string[]> {
  const schemaPath = fileURLToPath(new URL("../../prisma/schema.prisma", import.meta.url));
  const schema = await readFile(schemaPath, "utf8");
  return [...schema.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)].map(
    ([, name, body]) => /@@map\(\s*"([^"]+)"/.exec(body!)?.[1] ?? name!,
  );
}

afterAll(async () => {
  const admin = await connectMaintenance(serverUrl);
  try {
    for (const name of created) await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
});

describe("migrateDatabase", () => {
  it("creates the database, applies every migration once, and records them like prisma migrate deploy", async () => {
    const databaseUrl = freshDatabaseUrl();
    const dirs = (await readdir(defaultMigrationsDir, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    expect(dirs.length).toBeGreaterThan(0);

    const logs: string[] = [];
    const first = await migrateDatabase({ databaseUrl, log: (m) => logs.push(m) });
    expect(first.applied).toEqual(dirs);
    expect(logs[0]).toMatch(/^created database kith_test_migrate_/);

    const tables = (
      await query<{ table_name: string }>(
        databaseUrl,
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
      )
    ).map((r) => r.table_name);
    expect(tables).toEqual(expect.arrayContaining([...(await modelTables()), "_prisma_migrations"]));

    const rows = await query<{ migration_name: string; checksum: string; applied_steps_count: number }>(
      databaseUrl,
      `SELECT migration_name, checksum, applied_steps_count FROM _prisma_migrations
       WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(dirs);
    for (const row of rows) {
      // prisma migrate deploy's checksum: lowercase sha256 hex of migration.sql.
      const sql = await readFile(path.join(defaultMigrationsDir, row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(createHash("sha256").update(sql).digest("hex"));
      expect(row.applied_steps_count).toBe(1);
    }

    const second = await migrateDatabase({ databaseUrl });
    expect(second.applied).toEqual([]);
  });

  it("names the failing migration and the SQL error, and rolls that migration back", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "kith-migrations-"));
    tempDirs.push(dir);
    await writeFile(path.join(dir, "migration_lock.toml"), 'provider = "postgresql"\n');
    const migration = async (name: string, sql: string) => {
      await mkdir(path.join(dir, name));
      await writeFile(path.join(dir, name, "migration.sql"), sql);
    };
    await migration("20000101000000_ok", 'CREATE TABLE "Good" (id int);\n');
    await migration("20000101000001_broken", 'CREATE TABLE "Partial" (id int);\nCREATE TABLE "Bad" (id nosuchtype);\n');

    const databaseUrl = freshDatabaseUrl();
    const run = migrateDatabase({ databaseUrl, migrationsDir: dir });
    await expect(run).rejects.toThrow(/migration 20000101000001_broken failed: .*type "nosuchtype" does not exist/);

    const tables = await query<{ table_name: string }>(
      databaseUrl,
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    );
    // The broken script ran as one unit: nothing of it is left behind.
    expect(tables.map((r) => r.table_name)).toEqual(["Good", "_prisma_migrations"]);

    // Like prisma migrate deploy, later runs refuse until the failure is resolved.
    await expect(migrateDatabase({ databaseUrl, migrationsDir: dir })).rejects.toThrow(/P3009.*20000101000001_broken/s);
  });

  it("reports an unreachable server clearly", async () => {
    await expect(
      migrateDatabase({ databaseUrl: "postgresql://postgres@127.0.0.1:1/kith_unreachable" }),
    ).rejects.toThrow(/cannot connect to PostgreSQL at postgresql:\/\/postgres@127\.0\.0\.1:1\/kith_unreachable/);
  });
});
