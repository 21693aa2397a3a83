import { fileURLToPath } from "node:url";
import { RpcChild } from "./rpc.ts";

// Parent side of the delivery sink (sink-server.ts runs in a child process).

export type Receipts = { count: number; signed: number; bytes: number; hosts: number; connections: number; first: number; last: number };

/**
 * The i-th loopback address of a block: 127.<block>.<1..>.<1..250>. The whole
 * 127.0.0.0/8 is loopback on Linux, so every address is a distinct host.
 */
export function loopbackHost(block: number, i: number): string {
  return `127.${block}.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`;
}

export class Sink {
  private readonly rpc: RpcChild;

  private constructor(rpc: RpcChild) {
    this.rpc = rpc;
  }

  /** Starts a sink listening on every host:port given. */
  static async start(addrs: [string, number][]): Promise<Sink> {
    const rpc = new RpcChild(fileURLToPath(new URL("./sink-server.ts", import.meta.url)));
    try {
      await rpc.call("listen", addrs, 60_000);
    } catch (error) {
      await rpc.close();
      throw error;
    }
    return new Sink(rpc);
  }

  get pid() {
    return this.rpc.pid;
  }

  /** Zeroes the counters (acknowledged before it returns). */
  async reset(): Promise<void> {
    await this.rpc.call("reset");
  }

  /** Resolves when `count` POSTs have arrived since the last reset. */
  expect(count: number, timeoutMs: number): Promise<Receipts> {
    return this.rpc.call<Receipts>("expect", { count }, timeoutMs);
  }

  stats(): Promise<Receipts> {
    return this.rpc.call<Receipts>("stats");
  }

  close(): Promise<void> {
    return this.rpc.close();
  }
}
