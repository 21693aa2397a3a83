import { Prisma } from "../generated/prisma/client.ts";
import { queryRows } from "./direct.ts";

// Most rows take their id from the column's default, `kith_id()`, in the
// statement that writes them. A few must know it before: a local status,
// follow, like, block or report names its id in its ActivityPub URI.

type Raw = Parameters<typeof queryRows>[0];

/** A fresh id for a row made now. */
export async function reserveId(db: Raw): Promise<bigint> {
  const [row] = await queryRows<{ id: bigint }>(db, Prisma.sql`SELECT kith_id() AS id`);
  return row!.id;
}

/** The SQL expression of an id for a row dated `at` (a remote post's `published`); a time to come is taken as now. */
export const idAt = (at: Date) => Prisma.sql`kith_id(${BigInt(at.getTime())}::bigint)`;
