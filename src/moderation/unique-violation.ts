/** Prisma's unique-key violation (P2002): someone else inserted the same row first. */
export const isUniqueViolation = (error: unknown) => (error as { code?: string } | null)?.code === "P2002";
