import type { Db } from "../db/client.ts";

export class SettingRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  all() {
    return this.db.setting.findMany();
  }

  updatedAt(key: string) {
    return this.db.setting.findUnique({ where: { key }, select: { updatedAt: true } }).then((row) => row?.updatedAt ?? null);
  }

  /** Stores the value unless the key has one already; either way, the value now stored. */
  async putIfAbsent(key: string, value: unknown): Promise<unknown> {
    await this.db.setting.createMany({ data: [{ key, value: value as object }], skipDuplicates: true });
    return (await this.db.setting.findUniqueOrThrow({ where: { key } })).value;
  }

  put(key: string, value: unknown) {
    const json = value as object;
    return this.db.setting.upsert({ where: { key }, update: { value: json }, create: { key, value: json } });
  }
}
