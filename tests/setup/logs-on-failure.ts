import { beforeEach } from "vitest";
import { liveInstances } from "../helpers/instance.ts";

// A test that fails against real Kith processes is explained by what those
// processes logged, which CI would otherwise throw away with them.
const TAIL_CHARS = 6_000;

beforeEach((context) => {
  context.onTestFailed(() => {
    for (const instance of liveInstances) {
      const tail = instance.logs.join("").slice(-TAIL_CHARS);
      if (tail) console.error(`--- ${instance.origin} logged (last ${TAIL_CHARS} characters) ---\n${tail}`);
    }
  });
});
