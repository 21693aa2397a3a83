import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

// Start-up (loading the modules, Prisma's query compiler, Fedify's
// vocabulary) leaves tens of megabytes of garbage behind and a young
// generation grown to its maximum. V8's memory reducer would hand them back,
// but it judges the allocation rate by start-up itself and keeps postponing:
// an idle server measured 180-187 MB for its first 90 s and 146-155 MB only
// after that. One last-resort collection once the server is up returns that
// memory at once, for about 10 ms, once per process. Node offers no other way
// to ask for it; this is the one its documentation gives for
// v8.setFlagsFromString, and `gc` stays out of the global scope.

type Gc = (options: { type: "major"; execution: "sync"; flavor: "last-resort" }) => void;

export function releaseStartupMemory(): void {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as Gc;
  gc({ type: "major", execution: "sync", flavor: "last-resort" });
}
