import { describe, expect, it } from "vitest";
import { base64urlBytes, generateVapidKeys, vapidKeyProblem } from "./vapid.ts";

describe("generateVapidKeys", () => {
  // One private key in 256 starts with a zero byte; 3,000 pairs meet one
  // with near certainty (the chance of none is below 1 in 100,000).
  it("always writes the private key as 32 bytes, a pair the config accepts", () => {
    for (let i = 0; i < 3000; i++) {
      const pair = generateVapidKeys();
      expect(base64urlBytes(pair.privateKey)?.length).toBe(32);
      expect(base64urlBytes(pair.publicKey)?.length).toBe(65);
      expect(vapidKeyProblem(pair.publicKey, pair.privateKey)).toBeNull();
    }
  });
});
