// Applies prisma/migrations with Prisma's own schema engine compiled to
// WebAssembly (@prisma/schema-engine-wasm), talking to Postgres through
// @prisma/adapter-pg. No native engine binary, no network: the same engine code
// as `prisma migrate deploy`, so it reads and writes the same `_prisma_migrations`
// table (checksum = sha256 hex of migration.sql) and both tools stay interchangeable.
import type { Dirent } from "node:fs";
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  bindMigrationAwareSqlAdapterFactory,
  type ErrorRegistry,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import type { MigrationList, SchemaEngine, SchemaFilter } from "@prisma/schema-engine-wasm";
import { withoutPassword } from "../redact.ts";

// Compiled, this module runs one folder deeper, from dist/ (scripts/build.sh).
const repositoryRoot = new URL(import.meta.url.endsWith(".js") ? "../../../" : "../../", import.meta.url);
export const defaultMigrationsDir = fileURLToPath(new URL("prisma/migrations/", repositoryRoot));
export const noFilters: SchemaFilter = { externalTables: [], externalEnums: [] };

export interface MigrateOptions {
  databaseUrl: string;
  migrationsDir?: string;
  log?: (msg: string) => void;
}

export async function migrateDatabase(options: MigrateOptions): Promise<{ applied: string[] }> {
  const log = options.log ?? (() => {});
  const migrationsDir = path.resolve(options.migrationsDir ?? defaultMigrationsDir);
  const migrationsList = await readMigrations(migrationsDir, { mustExist: true });

  if (await ensureDatabase(options.databaseUrl)) log(`created database ${databaseName(options.databaseUrl)}`);

  const engine = await openSchemaEngine({ databaseUrl: options.databaseUrl });
  try {
    const { appliedMigrationNames } = await engine.run((e) =>
      e.applyMigrations({ migrationsList, filters: noFilters }),
    );
    for (const name of appliedMigrationNames) log(`applied migration ${name}`);
    if (appliedMigrationNames.length === 0) log("database schema is up to date");
    return { applied: appliedMigrationNames };
  } finally {
    await engine.close();
  }
}

// ---------------------------------------------------------------------------
// Shared with scripts/migration-create.ts

/** Loads the migrations directory the way Prisma's CLI does before calling the engine. */
export async function readMigrations(baseDir: string, opts: { mustExist?: boolean } = {}): Promise<MigrationList> {
  let entries: Dirent[];
  try {
    entries = await readdir(baseDir, { withFileTypes: true });
  } catch (error) {
    if (opts.mustExist || (error as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new Error(`cannot read migrations directory ${baseDir}: ${(error as Error).message}`);
    }
    entries = [];
  }
  const lockPath = "migration_lock.toml";
  const lockContent = await readFile(path.join(baseDir, lockPath), "utf8").catch(() => null);
  const dirs = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort((a, b) => a.localeCompare(b));
  const migrationDirectories = await Promise.all(
    dirs.map(async (dir) => ({
      path: dir,
      migrationFile: {
        path: "migration.sql",
        content: await readFile(path.join(baseDir, dir, "migration.sql"), "utf8").then(
          (value) => ({ tag: "ok" as const, value }),
          (error: Error) => ({ tag: "error" as const, value: error.message }),
        ),
      },
    })),
  );
  return { baseDir, lockfile: { path: lockPath, content: lockContent }, shadowDbInitScript: "", migrationDirectories };
}

export function databaseName(databaseUrl: string): string {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  if (!name) throw new Error(`database URL has no database name: ${redact(databaseUrl)}`);
  return name;
}

export const redact = (databaseUrl: string) => withoutPassword(databaseUrl, "database");

export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** Connects to the `postgres` maintenance database of the server in `databaseUrl`. */
export async function connectMaintenance(databaseUrl: string): Promise<pg.Client> {
  const url = new URL(databaseUrl);
  url.pathname = "/postgres";
  return connect(url.toString());
}

/** Creates the database named in the URL unless it exists. Returns whether it created it. */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const name = databaseName(databaseUrl);
  try {
    await (await connect(databaseUrl)).end();
    return false;
  } catch (error) {
    if ((error as { code?: string }).code !== "3D000") throw error; // 3D000: database does not exist
  }
  const admin = await connectMaintenance(databaseUrl);
  try {
    await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
    return true;
  } catch (error) {
    // 42P04, or 23505 when two processes race past the existence check: someone else created it.
    if (["42P04", "23505"].includes((error as { code?: string }).code ?? "")) return false;
    throw new Error(`cannot create database ${name}: ${(error as Error).message}`, { cause: error });
  } finally {
    await admin.end();
  }
}

async function connect(connectionString: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString });
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => {});
    const code = (error as { code?: string }).code;
    if (code === "3D000") throw error;
    throw new Error(`cannot connect to PostgreSQL at ${redact(connectionString)}: ${(error as Error).message || code}`, {
      cause: error,
    });
  }
}

// The engine reads pg_catalog columns of type "char" (oid 18, e.g. relkind),
// which @prisma/adapter-pg 7.10 refuses ("Column type 'char' could not be
// deserialized"). pg already returns them as strings; report them as text.
const CATALOG_TEXT_OIDS = new Set([18]);
type Fields = { fields?: { dataTypeID: number }[] };
function catalogTypesAsText<T>(result: T): T {
  for (const r of (Array.isArray(result) ? result : [result]) as Fields[]) {
    for (const f of r?.fields ?? []) if (CATALOG_TEXT_OIDS.has(f.dataTypeID)) f.dataTypeID = 25;
  }
  return result;
}
class CatalogClient extends pg.Client {
  // `any`: pg's query() has many overloads; this one wraps them all.
  override query(config: any, values?: any, callback?: any): any {
    if (typeof config?.submit === "function") return super.query(config, values, callback);
    if (typeof values === "function") [callback, values] = [values, undefined];
    if (callback) {
      return super.query(config, values, (err: Error, res: unknown) => callback(err, err ? res : catalogTypesAsText(res)));
    }
    return super.query(config, values).then(catalogTypesAsText);
  }
}

/**
 * PrismaPg's factory with two changes. Scripts go to Postgres whole, in one
 * simple-protocol query, as the native engine sends them: the adapter's own
 * executeScript splits on ";" (breaking function bodies and string literals)
 * and runs the pieces on different pool connections, so a failing migration
 * would be left half-applied; sent whole it runs in one implicit transaction.
 * And every pool is tracked, because the engine never disposes them.
 */
function pgAdapterFactory(databaseUrl: string, shadowDatabaseUrl: string | undefined) {
  const schema = new URL(databaseUrl).searchParams.get("schema") ?? undefined;
  const open: SqlDriverAdapter[] = [];
  const connectAdapter = async (connectionString: string): Promise<SqlDriverAdapter> => {
    const adapter = await new PrismaPg({ connectionString, Client: CatalogClient }, { schema }).connect();
    adapter.executeScript = async (script) => {
      // No parameters and no statement name: pg uses the simple query protocol.
      await adapter.executeRaw({ sql: script, args: [], argTypes: [] });
    };
    const dispose = adapter.dispose.bind(adapter);
    let disposed: Promise<void> | undefined;
    adapter.dispose = () => (disposed ??= dispose());
    open.push(adapter);
    return adapter;
  };
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: "postgres",
    adapterName: "@prisma/adapter-pg",
    connect: () => connectAdapter(databaseUrl),
    connectToShadowDb: async () => {
      if (!shadowDatabaseUrl) throw new Error("this operation needs a shadow database, and none was configured");
      return connectAdapter(shadowDatabaseUrl);
    },
  };
  const disposeAll = () => Promise.allSettled(open.map((a) => a.dispose())).then(() => {});
  return { factory, disposeAll };
}

export interface EngineHandle {
  /** Runs one engine command, turning engine and driver errors into readable Errors. */
  run<T>(command: (engine: SchemaEngine) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

type Runtime = typeof import("@prisma/schema-engine-wasm/schema_engine_bg");
let runtime: Promise<Runtime> | undefined;
let lastPanic = "";

// The package's entry point imports the .wasm as an ES module, which Node does
// not do without a flag; instantiate it by hand as Prisma's CLI loader did.
// wasm-bindgen keeps global state, so this happens once per process.
function loadRuntime(): Promise<Runtime> {
  runtime ??= (async () => {
    // The engine's panic hook reports the panic message here.
    const g = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { set_message(msg: string): void } };
    g.PRISMA_WASM_PANIC_REGISTRY ??= { set_message: (msg) => void (lastPanic = msg) };
    const js = await import("@prisma/schema-engine-wasm/schema_engine_bg");
    const wasmUrl = new URL("schema_engine_bg.wasm", import.meta.resolve("@prisma/schema-engine-wasm/schema_engine_bg"));
    const imports: WebAssembly.ModuleImports = { ...js };
    for (const [name, fn] of Object.entries(js)) {
      // The engine arms 10 s timers (e.g. its migration lock timeout) and never
      // clears them; unref them so scripts can exit as soon as they are done.
      if (name.startsWith("__wbg_setTimeout_")) {
        imports[name] = (...args: unknown[]) => {
          const timer = (fn as (...a: unknown[]) => { unref?: () => void })(...args);
          timer?.unref?.();
          return timer;
        };
      }
    }
    const module = await WebAssembly.compile(await readFile(wasmUrl));
    const instance = await WebAssembly.instantiate(module, { "./schema_engine_bg.js": imports });
    js.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return js;
  })();
  return runtime;
}

/** Turns the engine's errors (span traces, error ids, panics) into one readable message. */
function explainEngineError(error: unknown, registry: ErrorRegistry): Error {
  if (error instanceof WebAssembly.RuntimeError) {
    return new Error(`Prisma schema engine panicked: ${lastPanic || error.message}`, { cause: error });
  }
  if (!(error instanceof Error)) return new Error(String(error));
  // JS exceptions thrown inside the adapter reach us only as "External error id#N".
  let message = error.message.replace(/External error id#(\d+)/g, (text, id: string) => {
    const original = registry.consumeError(Number(id))?.error;
    return original instanceof Error ? original.message : original === undefined ? text : String(original);
  });
  const migration = /Applying migration\s+with migration_name="([^"]+)"/.exec(message)?.[1];
  message = message
    .replace(/\n\s+0: [\s\S]*$/, "") // span trace
    .replace(/^external connector error\n/, "")
    .trim();
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") message = `${code}: ${message}`;
  if (migration) message = `migration ${migration} failed: ${message}`;
  return new Error(message, { cause: error });
}

/** Starts Prisma's WebAssembly schema engine on the database (and optional shadow database) given. */
export async function openSchemaEngine(opts: {
  databaseUrl: string;
  shadowDatabaseUrl?: string;
  schema?: { path: string; content: string };
  debug?: (msg: string) => void;
}): Promise<EngineHandle> {
  const { SchemaEngine } = await loadRuntime();
  const { factory, disposeAll } = pgAdapterFactory(opts.databaseUrl, opts.shadowDatabaseUrl);
  const adapter = bindMigrationAwareSqlAdapterFactory(factory);
  const explain = (error: unknown) => explainEngineError(error, adapter.errorRegistry);
  let engine: SchemaEngine;
  try {
    engine = await SchemaEngine.new(
      { datamodels: opts.schema ? [[opts.schema.path, opts.schema.content]] : undefined },
      opts.debug ?? (() => {}),
      adapter,
    );
  } catch (error) {
    await disposeAll();
    throw explain(error);
  }
  return {
    async run(command) {
      try {
        return await command(engine);
      } catch (error) {
        throw explain(error);
      }
    },
    async close() {
      engine.free();
      await disposeAll();
    },
  };
}
