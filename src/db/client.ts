import { createHash } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../generated/prisma/client.ts";
import { shareDirect } from "./direct.ts";

export type Db = PrismaClient;

/**
 * How many distinct SQL texts get a prepared statement of their own. Prisma
 * sends every query unnamed, so PostgreSQL parses and plans it every time:
 * for the wide lateral joins Prisma builds (relationJoins), planning costs
 * several times the execution. Named statements are parsed once per
 * connection and PostgreSQL can reuse a generic plan. Texts past this many
 * stay unnamed, so the statements kept per connection stay bounded (Rails,
 * and so Mastodon, keeps up to 1,000).
 */
const MAX_NAMED_STATEMENTS = 500;

function statementNames(): (sql: string) => string | undefined {
  const names = new Map<string, string>();
  return (sql) => {
    let name = names.get(sql);
    if (name === undefined && names.size < MAX_NAMED_STATEMENTS) {
      name = `k${createHash("sha1").update(sql).digest("base64url").slice(0, 20)}`;
      names.set(sql, name);
    }
    return name;
  };
}

/**
 * One pool for Prisma's client and for the statements run beside it
 * (direct.ts), with one set of statement names, so a text prepared by one
 * is the same prepared statement for the other. $disconnect ends the pool:
 * Prisma leaves a pool it was given open.
 */
export function createDb(databaseUrl: string, poolSize = 10): Db {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  // An idle connection the server dropped leaves the pool; the next query opens another.
  pool.on("error", () => undefined);
  const name = statementNames();
  const adapter = new PrismaPg(pool, { statementNameGenerator: ((query: { sql: string }) => name(query.sql)) as (q: { sql: string }) => string });
  const db = new PrismaClient({ adapter });
  const disconnect = db.$disconnect.bind(db);
  db.$disconnect = async () => {
    try {
      await disconnect();
    } finally {
      if (!pool.ended) await pool.end();
    }
  };
  shareDirect(db, pool, name);
  return db;
}
