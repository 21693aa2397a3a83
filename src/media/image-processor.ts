import { extname } from "node:path";
import type { Piscina } from "piscina";
import type { ImageTask } from "./image-task.ts";
import type { Preview } from "./image-preview.ts";

// A small pool of worker threads for pixel work, so that decoding a large
// image never blocks the event loop that serves requests and runs jobs. One
// thread: the work is all CPU, and uploads are rate-limited. The pool starts
// on first use, piscina's import included (the admin CLI and an idle server
// never pay for it), and its idle thread exits. The thread's module is .ts
// beside the sources and .js in dist/ (scripts/build.sh).

const IDLE_MS = 60_000;

export class ImageProcessor {
  private pool: Piscina | null = null;

  async process(task: ImageTask): Promise<Preview | null> {
    const { Piscina } = await import("piscina");
    this.pool ??= new Piscina({ filename: new URL(`./image-thread${extname(import.meta.url)}`, import.meta.url).href, minThreads: 0, maxThreads: 1, idleTimeout: IDLE_MS });
    const result = (await this.pool.run(task)) as (Omit<Preview, "data"> & { data: Uint8Array }) | null;
    // Buffers come back from the thread as plain Uint8Arrays.
    return result && { ...result, data: Buffer.from(result.data.buffer, result.data.byteOffset, result.data.byteLength) };
  }

  async close() {
    const pool = this.pool;
    this.pool = null;
    await pool?.destroy();
  }
}
