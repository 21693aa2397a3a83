import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";

// Where uploaded files live. The disk store is the default; an object store
// (S3 and the like) fits behind the same four calls.

export interface MediaStore {
  put(key: string, data: Buffer, contentType: string): Promise<void>;
  /** The file, or null if the store does not have it. */
  get(key: string): Promise<Buffer | null>;
  delete(key: string): Promise<void>;
  /** The public URL clients and other servers fetch the file from. */
  url(key: string): string;
}

/** Keys are ours (random hex and an extension), never a client's, so they cannot climb out of the folder. */
export const MEDIA_KEY = /^[a-f0-9]{32}\.(jpg|png|gif|webp)$/;

export class DiskMediaStore implements MediaStore {
  private readonly dir: string;
  private readonly origin: string;

  constructor(dir: string, origin: string) {
    this.dir = resolve(dir);
    this.origin = origin;
  }

  private path(key: string): string {
    if (!MEDIA_KEY.test(key)) throw new Error(`Invalid media key ${key}`);
    return join(this.dir, key);
  }

  async put(key: string, data: Buffer): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeFile(this.path(key), data, { flag: "wx" });
  }

  async get(key: string): Promise<Buffer | null> {
    if (!MEDIA_KEY.test(key)) return null;
    return readFile(this.path(key)).catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT") return null;
      throw err;
    });
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  url(key: string): string {
    return `${this.origin}/system/media/${key}`;
  }
}
