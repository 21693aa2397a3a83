import { writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { Session } from "node:inspector/promises";

// `npm run bench -- --profile`: V8's CPU profiler (the one behind
// `node --cpu-prof`) around the measured window only, so set-up, seeding and
// the limit measurements do not blur the picture. Writes
// bench/results/profiles/<name>.cpuprofile (open in Chrome DevTools, or
// summarise with `node bench/lib/profile-summary.ts <file>`).

let session: Session | null = null;

export async function startProfile(): Promise<void> {
  if (!process.env.BENCH_PROFILE || session) return;
  session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 200 });
  await session.post("Profiler.start");
}

export async function stopProfile(name: string): Promise<string | null> {
  const dir = process.env.BENCH_PROFILE;
  if (!dir || !session) return null;
  const { profile } = await session.post("Profiler.stop");
  session.disconnect();
  session = null;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  return file;
}
