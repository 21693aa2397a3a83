import { AsyncLocalStorage } from "node:async_hooks";
import { configure, getLogger, type LogRecord } from "@logtape/logtape";
import pino, { type Logger } from "pino";

// One structured stream: pino for Kith and Fastify, with Fedify's LogTape
// records routed into it so operators read a single log.

export function createLogger(level: string, name = "kith"): Logger {
  return pino({ level, name, base: { pid: process.pid } });
}

const levels = { trace: "trace", debug: "debug", info: "info", warning: "warn", error: "error", fatal: "fatal" } as const;

let logtapeConfigured = false;

export async function routeFedifyLogs(logger: Logger): Promise<void> {
  if (logtapeConfigured) return;
  logtapeConfigured = true;
  const fedify = logger.child({ component: "fedify" });
  await configure({
    reset: true,
    contextLocalStorage: new AsyncLocalStorage(),
    sinks: {
      pino(record: LogRecord) {
        const level = fedifyLevel(record);
        const msg = record.message.map((part) => (typeof part === "string" ? part : safeString(part))).join("");
        fedify[level]({ category: record.category.join(".") }, msg);
      },
    },
    loggers: [
      { category: "fedify", sinks: ["pino"], lowestLevel: "warning" },
      { category: ["logtape", "meta"], sinks: ["pino"], lowestLevel: "warning" },
    ],
  });
}

/**
 * Fedify warns of every 4xx answer of its own, but a 404 or a 406 there is
 * ordinary: no federation route has the path (a browser's /favicon.ico, a
 * robots.txt, a scanner) or a browser wants an actor's HTML page. Kith then
 * answers with its page or its own 404, and its request log has the status.
 */
export function fedifyLevel(record: LogRecord): (typeof levels)[keyof typeof levels] {
  const status = record.properties.status;
  if (record.category.join(".") === "fedify.federation.http" && (status === 404 || status === 406)) return "debug";
  return levels[record.level] ?? "info";
}

function safeString(v: unknown): string {
  if (v instanceof Error) return v.stack ?? v.message;
  try {
    return typeof v === "object" ? JSON.stringify(v) : String(v);
  } catch {
    return String(v);
  }
}

export { getLogger };
