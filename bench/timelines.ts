import { once } from "node:events";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import pg from "pg";
import type { Kith } from "../src/main.ts";
import { freePort, now, sandbox, startBenchKith, withPg } from "./lib/env.ts";
import { startProfile, stopProfile } from "./lib/profiler.ts";
import { RpcChild } from "./lib/rpc.ts";
import { percentile, round, type Figure } from "./lib/stats.ts";
import { seedTimelines } from "./lib/timeline-seed.ts";
import { mark, perItem } from "./lib/counters.ts";
import { CpuMeter } from "./lib/cpu.ts";

// Timelines: GET /api/v1/timelines/home and /api/v1/timelines/public through
// the Mastodon API with bearer tokens from core.tokens.issue, one request at a
// time from a client in another process, over 1,000,000 posts and 10,000
// accounts (--quick: 100,000 / 1,000) seeded with SQL. Readers rotate over
// 50 local accounts. Limits in the same run: the same bytes from a plain
// node:http server (transport floor), and one hand-written SQL query for
// the same page (database floor).

const READERS = 50;

export async function run({ quick }: { quick: boolean }): Promise<Figure[]> {
  const size = quick ? { accounts: 1_000, posts: 100_000, follows: 10 } : { accounts: 10_000, posts: 1_000_000, follows: 10 };
  const requests = quick ? 300 : 3000;
  const warm = quick ? 100 : 500;
  const box = await sandbox("timelines");
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const loadgen = new RpcChild(fileURLToPath(new URL("./lib/loadgen-process.ts", import.meta.url)));
  let kith: Kith | null = null;
  const meter = new CpuMeter(null, [loadgen.pid]);
  try {
    const t0 = now();
    const seedLog = await withPg(box.name, (c) => seedTimelines(c, origin, size));
    const seedSeconds = (now() - t0) / 1000;

    kith = await startBenchKith({ sandbox: box, port });
    const readers = await withPg(box.name, async (c) =>
      (await c.query<{ id: string }>(`SELECT id::text FROM "Account" WHERE domain IS NULL ORDER BY id LIMIT $1`, [READERS])).rows.map((r) => BigInt(r.id)),
    );
    const headers: Record<string, string>[] = [];
    for (const id of readers) headers.push({ authorization: `Bearer ${await kith.core.tokens.issue(id)}`, accept: "application/json" });

    const measure = async (path: string, label: string) => {
      const url = `${origin}${path}`;
      const first = await fetch(url, { headers: headers[0] });
      const body = await first.text();
      const items = JSON.parse(body) as unknown[];
      if (first.status !== 200 || !Array.isArray(items) || items.length < 20) throw new Error(`${path}: ${first.status}, ${items.length ?? 0} items`);
      await loadgen.call("get", { url, headers, count: warm, concurrency: 1, timeoutMs: 60_000 });
      const counted = mark();
      const cpu = process.cpuUsage();
      const cpu0 = await meter.mark();
      await startProfile();
      const res = await loadgen.call("get", { url, headers, count: requests, concurrency: 1, timeoutMs: 300_000 }, 320_000);
      await stopProfile(`timelines-${label}`);
      const used = process.cpuUsage(cpu);
      const cpuPerRequest = CpuMeter.per(cpu0, await meter.mark(), requests);
      const kithCpuMsPerRequest = (used.user + used.system) / 1000 / requests;
      const bad = Object.entries(res.statuses as Record<string, number>).filter(([s]) => s !== "200");
      if (bad.length) throw new Error(`${path}: ${JSON.stringify(res.statuses)}`);
      return { latencies: res.latencies as number[], body, counts: perItem(counted, requests), kithCpuMsPerRequest, cpuPerRequest };
    };
    const home = await measure("/api/v1/timelines/home", "home");
    const pub = await measure("/api/v1/timelines/public", "public");

    // Transport floor: the same response bytes from a plain node:http server in this process.
    const floorFor = async (body: string) => {
      const plainPort = await freePort();
      const server = createServer((req, res) => {
        req.resume();
        req.on("end", () => res.writeHead(200, { "content-type": "application/json; charset=utf-8" }).end(body));
      }).listen(plainPort, "127.0.0.1");
      await once(server, "listening");
      const res = await loadgen.call("get", { url: `http://127.0.0.1:${plainPort}/`, headers, count: requests, concurrency: 1, timeoutMs: 120_000 });
      server.closeAllConnections();
      server.close();
      return res.latencies as number[];
    };
    const homeFloor = await floorFor(home.body);
    const pubFloor = await floorFor(pub.body);

    // Database floor: one SQL query for the same page (statuses with their authors).
    const sqlFloor = async (sql: string, params: (i: number) => unknown[]) => {
      const client = new pg.Client({ connectionString: box.databaseUrl });
      await client.connect();
      const out: number[] = [];
      for (let i = 0; i < warm + requests; i++) {
        const t = now();
        await client.query(sql, params(i));
        if (i >= warm) out.push(now() - t);
      }
      await client.end();
      return out;
    };
    const homeSql = await sqlFloor(
      `SELECT s.*, row_to_json(a) AS account FROM "HomeFeedEntry" h JOIN "Status" s ON s.id = h."statusId" JOIN "Account" a ON a.id = s."accountId"
        WHERE h."accountId" = $1 ORDER BY h."statusId" DESC LIMIT 20`,
      (i) => [String(readers[i % readers.length])],
    );
    const pubSql = await sqlFloor(
      `SELECT s.*, row_to_json(a) AS account FROM "Status" s JOIN "Account" a ON a.id = s."accountId"
        WHERE s.visibility = 'public' AND s."reblogOfId" IS NULL ORDER BY s.id DESC LIMIT 20`,
      () => [],
    );

    const figures = (key: string, title: string, r: typeof home, floor: number[], sql: number[]): Figure[] => {
      const p50 = percentile(r.latencies, 50);
      const p99 = percentile(r.latencies, 99);
      const common = {
        requests: r.latencies.length,
        responseBytes: Buffer.byteLength(r.body),
        transportFloorP50Ms: round(percentile(floor, 50), 2),
        transportFloorP99Ms: round(percentile(floor, 99), 2),
        sqlFloorP50Ms: round(percentile(sql, 50), 2),
        sqlFloorP99Ms: round(percentile(sql, 99), 2),
        meanMs: round(r.latencies.reduce((a, b) => a + b, 0) / r.latencies.length, 2),
        maxMs: round(Math.max(...r.latencies), 1),
        kithCpuMsPerRequest: round(r.kithCpuMsPerRequest, 2),
        cpuMsPerRequest: r.cpuPerRequest,
        counts: r.counts,
      };
      return [
        {
          key: `${key}.p99_ms`,
          title: `${title} p99 (${size.posts.toLocaleString("en-US")} posts, ${size.accounts.toLocaleString("en-US")} accounts)`,
          unit: "ms",
          value: round(p99, 2),
          target: 20,
          better: "lower",
          limit: { title: "SQL floor p99, one query", value: round(percentile(sql, 99), 2), unit: "ms" },
          ratio: { value: round(p99 / percentile(sql, 99), 1), of: "÷ SQL floor" },
          notes: "Sequential requests from another process, readers rotating over 50 local accounts' tokens.",
          extra: common,
        },
        {
          key: `${key}.p50_ms`,
          title: `${title} p50`,
          unit: "ms",
          value: round(p50, 2),
          target: null,
          better: "lower",
          limit: { title: "same bytes from plain node:http, p50", value: round(percentile(floor, 50), 2), unit: "ms" },
          ratio: { value: round(p50 / percentile(floor, 50), 1), of: "÷ transport floor" },
          extra: { sqlFloorP50Ms: common.sqlFloorP50Ms },
        },
      ];
    };
    const out = [...figures("timelines.home", "Home timeline", home, homeFloor, homeSql), ...figures("timelines.public", "Public timeline", pub, pubFloor, pubSql)];
    out[0]!.extra = { ...out[0]!.extra, seedSeconds: round(seedSeconds, 1), seed: seedLog };
    return out;
  } finally {
    await kith?.close().catch(() => undefined);
    await loadgen.close();
    await box.drop();
  }
}


