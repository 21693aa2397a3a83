import { fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";

// Request/response over a forked child's IPC channel: the sink and the load
// generator run in their own processes so that they never share Kith's
// event loop (on a two-core machine they share the other core with
// PostgreSQL and Redis).

type Handlers = Record<string, (args: any) => unknown>;

/** Child side: answers {id, method, args} with {id, result} or {id, error}. */
export function serveRpc(handlers: Handlers): void {
  process.on("message", async (m: { id: number; method: string; args: unknown }) => {
    try {
      const handler = handlers[m.method];
      if (!handler) throw new Error(`no method ${m.method}`);
      const result = await handler(m.args);
      process.send!({ id: m.id, result });
    } catch (error) {
      process.send!({ id: m.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  });
  process.on("disconnect", () => process.exit(0));
}

/** Parent side. */
export class RpcChild {
  private readonly child: ChildProcess;
  private seq = 0;
  private readonly pending = new Map<number, { resolve(v: any): void; reject(e: Error): void }>();

  constructor(script: string, args: string[] = []) {
    this.child = fork(script, args, { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    this.child.on("message", (m: { id: number; result?: unknown; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error) p.reject(new Error(m.error));
      else p.resolve(m.result);
    });
    this.child.on("exit", (code) => {
      for (const p of this.pending.values()) p.reject(new Error(`${script} exited with ${code}`));
      this.pending.clear();
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  call<T = any>(method: string, args: unknown = null, timeoutMs = 60_000): Promise<T> {
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${method}`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.child.send({ id, method, args });
    });
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, "exit");
    this.child.disconnect();
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3_000))]);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }
}
