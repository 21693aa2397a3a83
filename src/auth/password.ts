import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

// Passwords are stored as scrypt hashes (node:crypto, no native addon) in a
// self-describing string, so the cost can be raised later without breaking
// the hashes already stored: "scrypt$N$r$p$salt$hash" (base64url).

const COST = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, cost: { N: number; r: number; p: number }): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; Node's default cap (32 MiB) is exactly that at N=2^15, r=8.
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r };
  return new Promise((resolve, reject) => scrypt(password.normalize("NFKC"), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))));
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, COST);
  return ["scrypt", COST.N, COST.r, COST.p, salt.toString("base64url"), key.toString("base64url")].join("$");
}

// Made on first use, not at import: the CLI and workers never check a password.
let dummy: Promise<string> | null = null;

/**
 * Constant-time check of a password against a stored hash. With no hash
 * (unknown login, or an account that never set a password) it still spends
 * the time of one check, so timing does not tell which logins exist.
 */
export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  const parts = (stored ?? (await (dummy ??= hashPassword(randomBytes(16).toString("hex"))))).split("$");
  const [scheme, n, r, p, salt, hash] = parts;
  if (parts.length !== 6 || scheme !== "scrypt") return false;
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  if (![cost.N, cost.r, cost.p].every((v) => Number.isInteger(v) && v > 0) || cost.N > 2 ** 20) return false;
  const expected = Buffer.from(hash!, "base64url");
  const actual = await derive(password, Buffer.from(salt!, "base64url"), cost);
  return stored != null && expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** A password for the operator to hand on (the CLI makes one when none is given): 128 random bits, as 32 hex digits, as tootctl makes them. */
export function generatePassword(): string {
  return randomBytes(16).toString("hex");
}
