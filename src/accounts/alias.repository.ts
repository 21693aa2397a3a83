import type { Db } from "../db/client.ts";
import { execute, queryRows } from "../db/direct.ts";
import { Prisma } from "../generated/prisma/client.ts";

// A local account's aliases are its "alsoKnownAs" column, the one the actor
// document publishes. Each change is one conditional statement, so two adds
// at once can neither both pass the limit nor store the same alias twice.

export class AliasRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  /** The aliases of a local account, oldest first; null when there is no such local account. */
  async of(accountId: bigint): Promise<string[] | null> {
    const rows = await queryRows<{ alsoKnownAs: string[] }>(this.db, Prisma.sql`SELECT "alsoKnownAs" FROM "Account" WHERE id = ${accountId}::bigint AND domain IS NULL`);
    return rows[0]?.alsoKnownAs ?? null;
  }

  /** Appends `uri` unless the account has it already or holds `max`; whether it was appended. */
  async append(accountId: bigint, uri: string, max: number): Promise<boolean> {
    return (await execute(this.db, Prisma.sql`
      UPDATE "Account" SET "alsoKnownAs" = array_append("alsoKnownAs", ${uri})
      WHERE id = ${accountId}::bigint AND domain IS NULL
        AND NOT (${uri} = ANY("alsoKnownAs")) AND cardinality("alsoKnownAs") < ${max}`)) === 1;
  }

  /** Removes `uri`; whether the account had it. */
  async remove(accountId: bigint, uri: string): Promise<boolean> {
    return (await execute(this.db, Prisma.sql`
      UPDATE "Account" SET "alsoKnownAs" = array_remove("alsoKnownAs", ${uri})
      WHERE id = ${accountId}::bigint AND domain IS NULL AND ${uri} = ANY("alsoKnownAs")`)) === 1;
  }
}
