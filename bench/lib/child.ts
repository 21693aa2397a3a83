// Runs one measurement in its own process (a fresh heap, fresh module state,
// its own database and Redis prefix) and sends its figures to bench/run.ts.

import { installCounters } from "./counters.ts";

const [name, ...flags] = process.argv.slice(2);
const quick = flags.includes("--quick");

try {
  if (!name || !/^[a-z]+$/.test(name)) throw new Error(`bad measurement name ${name}`);
  installCounters();
  const mod = (await import(`../${name}.ts`)) as { run(o: { quick: boolean }): Promise<unknown[]> };
  const figures = await mod.run({ quick });
  process.send!({ figures }, () => process.exit(0));
} catch (error) {
  process.send!({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }, () => process.exit(1));
}
