import { KithError, notFound, unprocessable } from "../errors.ts";
import type { JobQueue } from "../jobs/jobs.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import type { AccountService } from "../accounts/account.service.ts";
import { signDocument, verifyDocument, type IdentityKey } from "./identity-key.ts";
import type { IdentityRepository } from "./identity.repository.ts";

type Json = Record<string, unknown>;

/** A local account's identity proof as the API shows it. */
export type IdentityProofView = { subject: string; statement: unknown; has_key_backup: boolean; created_at: string };

/** A person binds few keys (one, and a new one when a device is lost); each is in every actor fetch. */
export const MAX_IDENTITY_PROOFS = 5;
/** The encrypted key backup is opaque but bounded: an Ed25519 key in any sane wrapping is far smaller. */
export const MAX_KEY_BACKUP = 8192;

/**
 * FEP-c390 identity proofs. A local account binds a key its owner holds (the
 * server sees only the signed statement and, if asked, an encrypted copy it
 * cannot open); the actor publishes the statements and followers' servers
 * learn them with an Update. For remote actors Kith keeps the statements that
 * verify, so it can later check a Move proved by that key even when the old
 * server is gone (see docs/portable-identity.md).
 */
export class IdentityService {
  private readonly proofs: IdentityRepository;
  private readonly accounts: AccountService;
  private readonly jobs: JobQueue;

  constructor(proofs: IdentityRepository, accounts: AccountService, jobs: JobQueue) {
    this.proofs = proofs;
    this.accounts = accounts;
    this.jobs = jobs;
  }

  /** The statement that binds `key` to a local account, made with the key (the CLI holds it; a client makes its own). */
  async bind(accountId: bigint, key: IdentityKey, keyBackup: string | null = null): Promise<IdentityProofView[]> {
    const account = await this.local(accountId);
    const statement = await signDocument({ type: "VerifiableIdentityStatement", subject: key.did, alsoKnownAs: account.uri }, key);
    return this.register(accountId, statement, keyBackup);
  }

  /** Stores a statement a client made, once it checks: for this actor, and signed by the key it names. */
  async register(accountId: bigint, statement: unknown, keyBackup: string | null = null): Promise<IdentityProofView[]> {
    const account = await this.local(accountId);
    const s = statement as Json | null;
    if (!s || typeof s !== "object" || Array.isArray(s) || s.type !== "VerifiableIdentityStatement") {
      throw unprocessable("Validation failed: statement must be a VerifiableIdentityStatement object (FEP-c390)");
    }
    if (s.alsoKnownAs !== account.uri) throw unprocessable(`Validation failed: the statement's alsoKnownAs must be this account's actor, ${account.uri}`);
    if (typeof s.subject !== "string" || !s.subject.startsWith("did:key:")) throw unprocessable("Validation failed: the statement's subject must be an Ed25519 did:key");
    const signer = await verifyDocument(s);
    if (!signer) throw unprocessable("Validation failed: the statement's proof does not verify (an eddsa-jcs-2022 proof made with the subject's key is required)");
    if (signer !== s.subject) throw unprocessable("Validation failed: the statement is signed by another key than its subject");
    if (keyBackup !== null && (typeof keyBackup !== "string" || keyBackup.length > MAX_KEY_BACKUP)) {
      throw unprocessable(`Validation failed: key_backup must be a string of at most ${MAX_KEY_BACKUP} characters`);
    }
    const current = await this.proofs.of(accountId);
    if (!current.some((p) => p.subject === s.subject) && current.length >= MAX_IDENTITY_PROOFS) {
      throw unprocessable(`Validation failed: an account may bind at most ${MAX_IDENTITY_PROOFS} identity keys; remove one first`);
    }
    await this.proofs.save(accountId, s.subject, s as Prisma.InputJsonValue, keyBackup);
    await this.announce(accountId);
    return this.list(accountId);
  }

  async remove(accountId: bigint, subject: string): Promise<IdentityProofView[]> {
    await this.local(accountId);
    if (!(await this.proofs.remove(accountId, subject.trim()))) throw new KithError(404, `${subject.trim() || "That key"} is not bound to this account`);
    await this.announce(accountId);
    return this.list(accountId);
  }

  async list(accountId: bigint): Promise<IdentityProofView[]> {
    return (await this.proofs.of(accountId)).map((p) => ({
      subject: p.subject,
      statement: p.statement,
      has_key_backup: p.keyBackup !== null,
      created_at: p.verifiedAt.toISOString(),
    }));
  }

  /** The statements a local actor publishes. */
  async statementsOf(accountId: bigint): Promise<Json[]> {
    return (await this.proofs.of(accountId)).map((p) => p.statement as Json);
  }

  /** The encrypted key backup, for the owner and for the archive; null if none was left here. */
  async keyBackup(accountId: bigint, subject?: string): Promise<string | null> {
    const proofs = (await this.proofs.of(accountId)).filter((p) => p.keyBackup !== null && (!subject || p.subject === subject));
    return proofs.at(-1)?.keyBackup ?? null;
  }

  async subjectsOf(accountId: bigint): Promise<string[]> {
    return (await this.proofs.of(accountId)).map((p) => p.subject);
  }

  async isBound(accountId: bigint, subject: string): Promise<boolean> {
    return this.proofs.has(accountId, subject);
  }

  /**
   * Keeps, for a remote actor just fetched, the statements it publishes that
   * name it and verify; forgets ones it no longer publishes (a key its owner
   * withdrew must not move it later).
   */
  async remember(accountId: bigint, actorUri: string, statements: unknown[]): Promise<number> {
    const kept: { subject: string; statement: Prisma.InputJsonValue }[] = [];
    for (const s of statements.slice(0, MAX_IDENTITY_PROOFS)) {
      const st = s as Json;
      if (!st || st.alsoKnownAs !== actorUri || typeof st.subject !== "string") continue;
      if ((await verifyDocument(st)) !== st.subject) continue;
      if (!kept.some((k) => k.subject === st.subject)) kept.push({ subject: st.subject, statement: st as Prisma.InputJsonValue });
    }
    await this.proofs.replace(accountId, kept);
    return kept.length;
  }

  private async local(accountId: bigint) {
    const account = await this.accounts.findById(accountId);
    if (!account || account.domain !== null) throw notFound("Account");
    return account;
  }

  private announce(accountId: bigint) {
    return this.jobs.enqueue("federate", { kind: "updateActor", accountId: String(accountId) });
  }
}
