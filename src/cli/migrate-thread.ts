import { parentPort, workerData } from "node:worker_threads";
import { migrateDatabase } from "../db/migrate.ts";

// `kith start` migrates in this thread: Prisma's schema engine (WebAssembly)
// and what it allocates leave with the thread, instead of staying resident
// in the server for good (about 10 MB measured).

const { databaseUrl } = workerData as { databaseUrl: string };
const { applied } = await migrateDatabase({ databaseUrl, log: (message) => parentPort!.postMessage({ log: message }) });
parentPort!.postMessage({ applied });
