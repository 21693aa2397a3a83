import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse, type Server } from "node:http";
import { serveRpc } from "./rpc.ts";

// The delivery sink, in its own process so that it does not share Kith's
// event loop: node:http servers on many loopback host:port pairs (each one a
// distinct shared inbox) that check nothing, answer 202 and count. The parent
// drives it over IPC (see sink.ts).

const now = () => performance.timeOrigin + performance.now();

const servers: Server[] = [];
const receipts = { count: 0, signed: 0, bytes: 0, hosts: 0, connections: 0, first: 0, last: 0 };
const hosts = new Set<string>();
let waiting: { count: number; resolve(): void } | null = null;

function snapshot() {
  return { ...receipts, hosts: hosts.size };
}

function handle(req: IncomingMessage, res: ServerResponse) {
  let size = 0;
  req.on("data", (chunk: Buffer) => (size += chunk.length));
  req.on("end", () => {
    if (req.method === "POST") {
      const t = now();
      if (receipts.count === 0) receipts.first = t;
      receipts.last = t;
      receipts.count++;
      receipts.bytes += size;
      if (req.headers.signature || req.headers["signature-input"]) receipts.signed++;
      hosts.add(req.headers.host ?? "");
    }
    res.writeHead(202, { "content-length": "0" });
    res.end();
    if (waiting && receipts.count >= waiting.count) {
      waiting.resolve();
      waiting = null;
    }
  });
}

serveRpc({
  async listen(addrs: [string, number][]) {
    for (const [host, port] of addrs) {
      const server = createServer({ keepAliveTimeout: 5_000 }, handle);
      server.on("connection", () => receipts.connections++);
      server.listen(port, host);
      await once(server, "listening");
      servers.push(server);
    }
    return servers.length;
  },
  reset() {
    Object.assign(receipts, { count: 0, signed: 0, bytes: 0, connections: 0, first: 0, last: 0 });
    hosts.clear();
    return true;
  },
  async expect({ count }: { count: number }) {
    if (receipts.count < count) await new Promise<void>((resolve) => (waiting = { count, resolve }));
    return snapshot();
  },
  stats() {
    return snapshot();
  },
});
