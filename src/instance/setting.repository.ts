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

  put(key: string, value: unknown) {
    const json = value as object;
    return this.db.setting.upsert({ where: { key }, update: { value: json }, create: { key, value: json } });
  }
}
