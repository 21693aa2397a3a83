import type { LogRecord } from "@logtape/logtape";
import pino from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import { fedifyLevel, routeFedifyLogs } from "../src/logging.ts";
import { localUser, startInProcess, type InProcess } from "./helpers/in-process.ts";

// What browsers and crawlers ask every server for (a favicon, robots.txt, an
// icon for the home screen, a scanner's guesses) is answered 404 without a
// warning in the operator's log, and so is a browser viewing an actor's page;
// the request log still shows each answer.

type Line = { level: number; msg: string; res?: { statusCode: number } };
const WARN = 40;

let kith: InProcess;
const lines: Line[] = [];

beforeAll(async () => {
  const logger = pino({ level: "debug" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  await routeFedifyLogs(logger);
  kith = await startInProcess("not_found_logs", {}, logger);
  await localUser(kith, "alice");
}, 60_000);

afterAll(async () => kith?.destroy());

const BROWSER = { accept: "text/html,application/xhtml+xml,image/avif,*/*;q=0.8", "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/150.0 Safari/537.36" };

async function logsOf(url: string) {
  lines.length = 0;
  const res = await kith.app!.inject({ method: "GET", url, headers: BROWSER });
  return { status: res.statusCode, lines: [...lines] };
}

it.each(["/favicon.ico", "/robots.txt", "/apple-touch-icon.png", "/apple-touch-icon-precomposed.png", "/.well-known/security.txt", "/wp-login.php", "/users/nobody"])(
  "%s: a 404 logged at info, with no warning",
  async (url) => {
    const { status, lines } = await logsOf(url);
    expect(status).toBe(404);
    expect(lines.filter((l) => l.level >= WARN)).toEqual([]);
    expect(lines).toContainEqual(expect.objectContaining({ msg: "request completed", res: { statusCode: 404 } }));
  },
);

it("a browser viewing an actor gets the page, with no warning", async () => {
  const { status, lines } = await logsOf("/users/alice");
  expect(status).toBe(200);
  expect(lines.filter((l) => l.level >= WARN)).toEqual([]);
});

it("Fedify's other failures keep their level", () => {
  const record = (category: string[], level: LogRecord["level"], status: number) => ({ category, level, properties: { status } }) as unknown as LogRecord;
  const http = ["fedify", "federation", "http"];
  expect(fedifyLevel(record(http, "error", 500))).toBe("error");
  expect(fedifyLevel(record(http, "warning", 401))).toBe("warn");
  expect(fedifyLevel(record(["fedify", "federation", "inbox"], "warning", 404))).toBe("warn");
  expect(fedifyLevel(record(http, "warning", 404))).toBe("debug");
});
