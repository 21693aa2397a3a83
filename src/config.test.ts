import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";

const base = { KITH_PUBLIC_URL: "https://kith.example", DATABASE_URL: "postgresql://postgres@127.0.0.1/kith" };

describe("loadConfig", () => {
  it("applies defaults and derives the handle domain", () => {
    const c = loadConfig(base);
    expect(c).toMatchObject({ domain: "kith.example", port: 3000, role: "all", allowPrivateAddress: false, redisUrl: "redis://127.0.0.1:6379" });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it("keeps a port in the domain", () => {
    expect(loadConfig({ ...base, KITH_PUBLIC_URL: "http://127.0.0.1:4101" }).domain).toBe("127.0.0.1:4101");
  });

  it.each([
    [{ KITH_PUBLIC_URL: undefined }, "KITH_PUBLIC_URL"],
    [{ KITH_PUBLIC_URL: "kith.example" }, "KITH_PUBLIC_URL"],
    [{ KITH_PUBLIC_URL: "https://kith.example/sub" }, "KITH_PUBLIC_URL"],
    [{ DATABASE_URL: "mysql://x" }, "DATABASE_URL"],
    [{ PORT: "70000" }, "PORT"],
    [{ ROLE: "both" }, "ROLE"],
    [{ KITH_ALLOW_PRIVATE_ADDRESS: "maybe" }, "KITH_ALLOW_PRIVATE_ADDRESS"],
  ])("names the bad variable: %j", (override, name) => {
    expect(() => loadConfig({ ...base, ...override })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, ...override })).toThrow(new RegExp(`^[\\s\\S]*  ${name}: `));
  });
});
