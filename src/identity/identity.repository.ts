import type { Db } from "../db/client.ts";
import type { Prisma } from "../generated/prisma/client.ts";

export type StoredProof = { subject: string; statement: Prisma.JsonValue; keyBackup: string | null; verifiedAt: Date };

// Identity proofs, local and remote, in one table: a local account's are the
// ones its actor publishes, a remote account's the ones Kith verified on it.

export class IdentityRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  async of(accountId: bigint): Promise<StoredProof[]> {
    return this.db.identityProof.findMany({
      where: { accountId },
      orderBy: { verifiedAt: "asc" },
      select: { subject: true, statement: true, keyBackup: true, verifiedAt: true },
    });
  }

  async save(accountId: bigint, subject: string, statement: Prisma.InputJsonValue, keyBackup: string | null): Promise<void> {
    await this.db.identityProof.upsert({
      where: { accountId_subject: { accountId, subject } },
      create: { accountId, subject, statement, keyBackup },
      update: { statement, keyBackup, verifiedAt: new Date() },
    });
  }

  async remove(accountId: bigint, subject: string): Promise<boolean> {
    return (await this.db.identityProof.deleteMany({ where: { accountId, subject } })).count > 0;
  }

  /** Makes a remote actor's proofs exactly the verified ones it publishes now (a removed proof is forgotten). */
  async replace(accountId: bigint, proofs: { subject: string; statement: Prisma.InputJsonValue }[]): Promise<void> {
    const subjects = proofs.map((p) => p.subject);
    await this.db.$transaction([
      this.db.identityProof.deleteMany({ where: { accountId, subject: { notIn: subjects } } }),
      ...proofs.map((p) =>
        this.db.identityProof.upsert({
          where: { accountId_subject: { accountId, subject: p.subject } },
          create: { accountId, subject: p.subject, statement: p.statement },
          update: { statement: p.statement },
        }),
      ),
    ]);
  }

  async has(accountId: bigint, subject: string): Promise<boolean> {
    return (await this.db.identityProof.count({ where: { accountId, subject } })) > 0;
  }
}
