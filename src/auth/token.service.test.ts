import { describe, expect, it } from "vitest";
import { hasScope } from "./token.service.ts";

describe("scopes", () => {
  it("a top-level scope grants its granular forms", () => {
    expect(hasScope(["read"], "read:statuses")).toBe(true);
    expect(hasScope(["write"], "write:favourites")).toBe(true);
    expect(hasScope(["read"], "write:statuses")).toBe(false);
    expect(hasScope(["read:accounts"], "read:statuses")).toBe(false);
  });

  it("the legacy follow scope covers relationship reads and writes only", () => {
    expect(hasScope(["follow"], "write:follows")).toBe(true);
    expect(hasScope(["follow"], "read:blocks")).toBe(true);
    expect(hasScope(["follow"], "write:statuses")).toBe(false);
  });
});
