import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { freePort, kithEnv, sandbox, sleep, until, ROOT } from "../lib/env.ts";
for (const opts of ["", "--max-semi-space-size=16", "--max-semi-space-size=8", "--max-semi-space-size=4", "--max-semi-space-size=1"]) {
  const box = await sandbox("mem2");
  const port = await freePort();
  const child = spawn(process.execPath, [...(opts ? [opts] : []), `${ROOT}/src/cli/main.ts`, "serve"], { env: { PATH: process.env.PATH!, ...kithEnv({ sandbox: box, port }) }, stdio: "ignore" });
  await until(async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => null))?.ok === true, "health", 30000, 50);
  await sleep(4000);
  const s = readFileSync(`/proc/${child.pid}/status`, "utf8");
  console.log(opts || "(default)", /VmRSS:\s+(\d+)/.exec(s)![1], "kB", /VmHWM:\s+(\d+)/.exec(s)![1]);
  child.kill("SIGKILL"); await box.drop();
}
process.exit(0);
