import { createHash } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client.ts";

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

function statementNames(): (query: { sql: string }) => string | undefined {
  const names = new Map<string, string>();
  return ({ sql }) => {
    let name = names.get(sql);
    if (name === undefined && names.size < MAX_NAMED_STATEMENTS) {
      name = `k${createHash("sha1").update(sql).digest("base64url").slice(0, 20)}`;
      names.set(sql, name);
    }
    return name;
  };
}

export function createDb(databaseUrl: string, poolSize = 10): Db {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: poolSize }, { statementNameGenerator: statementNames() as (q: { sql: string }) => string });
  return new PrismaClient({ adapter });
}
