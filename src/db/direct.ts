import pg from "pg";
import type { Prisma } from "../generated/prisma/client.ts";

// Hand-written statements (the inbox's hot writes, search) run on the pool
// Prisma's adapter shares, not through Prisma's client: for a raw statement
// the client costs about three times what pg alone does (0.2 ms of CPU per
// statement, measured in bench/), and a raw statement gains nothing from it.
// Rows come back typed as Prisma's $queryRaw types them, so a repository can
// move between the two freely. Inside a transaction the statement goes
// through the transaction's client, which holds the connection.

type Raw = { $queryRaw<T>(query: Prisma.Sql): Prisma.PrismaPromise<T>; $executeRaw(query: Prisma.Sql): Prisma.PrismaPromise<number> };

type Direct = { pool: pg.Pool; name: (sql: string) => string | undefined };

const direct = new WeakMap<object, Direct>();

/** Called once by createDb: statements on `db` itself may use `pool`. */
export function shareDirect(db: object, pool: pg.Pool, name: Direct["name"]) {
  direct.set(db, { pool, name });
}

/** The rows of a statement written with Prisma.sql. */
export async function queryRows<T>(db: Raw, query: Prisma.Sql): Promise<T[]> {
  const via = direct.get(db);
  if (!via) return db.$queryRaw<T[]>(query);
  return (await run(via, query)).rows as T[];
}

/** How many rows a statement written with Prisma.sql changed. */
export async function execute(db: Raw, query: Prisma.Sql): Promise<number> {
  const via = direct.get(db);
  if (!via) return db.$executeRaw(query);
  return (await run(via, query)).rowCount ?? 0;
}

function run(via: Direct, query: Prisma.Sql) {
  return via.pool.query({ name: via.name(query.text), text: query.text, values: query.values.map(param), types });
}

/**
 * Dates as UTC, whatever the process's time zone: the columns are
 * `timestamp(3)` holding UTC, as Prisma writes them, and PostgreSQL ignores
 * the zone of a literal cast to `timestamp`. pg would send local time.
 */
function param(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(param);
  return value;
}

const INT8 = 20;
const INT8_ARRAY = 1016;
const TIMESTAMP = 1114;
const TIMESTAMP_ARRAY = 1115;
const TEXT_ARRAY = 1009;

const utc = (text: string) => new Date(`${text.replace(" ", "T")}Z`);
/** Any array's elements as text (or null), to be typed one by one. */
const elements = pg.types.getTypeParser(TEXT_ARRAY as never, "text") as (text: string) => (string | null)[];

/** Prisma's types for what pg would leave a string or read as local time. */
const types = {
  getTypeParser(oid: number, format?: string): (text: string) => unknown {
    switch (oid) {
      case INT8:
        return BigInt;
      case INT8_ARRAY:
        return (text) => elements(text).map((v) => (v === null ? null : BigInt(v)));
      case TIMESTAMP:
        return utc;
      case TIMESTAMP_ARRAY:
        return (text) => elements(text).map((v) => (v === null ? null : utc(v)));
      default:
        return pg.types.getTypeParser(oid, format as "text");
    }
  },
};
