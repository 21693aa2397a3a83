import type { Db } from "../db/client.ts";

// The server's secret for signing browser forms and sessions. It lives in the
// Setting table under a key the instance settings do not use (they ignore
// unknown keys), so every web process of an instance shares it.

const KEY = "secret.browserSigningKey";

export class SigningKeyRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  /** The stored key, or `candidate` stored as the key when there is none; the first writer wins a race. */
  async getOrCreate(candidate: string): Promise<string> {
    await this.db.setting.createMany({ data: [{ key: KEY, value: candidate }], skipDuplicates: true });
    const row = await this.db.setting.findUniqueOrThrow({ where: { key: KEY } });
    return row.value as string;
  }
}
