import { describe, expect, it } from "vitest";
import { hasScope, parseScopes, withinScopes } from "./scopes.ts";

describe("scope lists", () => {
  it("parses Mastodon's scopes, granular and admin ones included, without duplicates", () => {
    expect(parseScopes("read write:statuses  admin:read:accounts read")).toEqual({ scopes: ["read", "write:statuses", "admin:read:accounts"] });
    expect(parseScopes("profile push follow")).toEqual({ scopes: ["profile", "push", "follow"] });
  });

  it("names the first unknown scope", () => {
    expect(parseScopes("read everything")).toEqual({ unknown: "everything" });
    expect(parseScopes("read:nothing")).toEqual({ unknown: "read:nothing" });
  });

  it("admin:read grants its granular forms, read does not grant admin ones", () => {
    expect(hasScope(["admin:read"], "admin:read:accounts")).toBe(true);
    expect(hasScope(["read"], "admin:read:accounts")).toBe(false);
    expect(hasScope(["admin:write"], "admin:read:reports")).toBe(false);
  });

  it("a request may narrow what was granted, never widen it", () => {
    expect(withinScopes(["read:statuses", "write:favourites"], ["read", "write"])).toBe(true);
    expect(withinScopes(["write"], ["read"])).toBe(false);
    expect(withinScopes(["read"], ["read:statuses"])).toBe(false);
  });
});
