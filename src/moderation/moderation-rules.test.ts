import { describe, expect, it } from "vitest";
import { domainCandidates, normalizeDomain, obfuscateDomain } from "./domains.ts";
import { canonicalEmail } from "./email-block.service.ts";
import { can, canAssign, permissionBits } from "./roles.ts";

describe("domains", () => {
  it("normalises what admins type, refusing what is no domain", () => {
    expect(normalizeDomain(" Example.COM. ")).toBe("example.com");
    expect(normalizeDomain("https://Sub.Example.com/users/x")).toBe("sub.example.com");
    expect(normalizeDomain("127.0.0.1:3000")).toBe("127.0.0.1:3000");
    for (const bad of ["", "two words", "a..b", "example.com:99999", "exa$mple.com"]) expect(() => normalizeDomain(bad), bad).toThrow();
  });

  it("a rule on a domain covers its subdomains and ports, never an IP's neighbours", () => {
    expect(domainCandidates("a.b.example.com")).toEqual(["a.b.example.com", "b.example.com", "example.com"]);
    expect(domainCandidates("example.com:8443")).toEqual(["example.com:8443", "example.com"]);
    expect(domainCandidates("127.0.0.1:3000")).toEqual(["127.0.0.1:3000", "127.0.0.1"]);
    expect(domainCandidates("example.com")).not.toContain("com");
  });

  it("obfuscates the middle of a name as Mastodon does", () => {
    expect(obfuscateDomain("example.com")).toBe("exa****.*om");
    expect(obfuscateDomain("a.b")).toBe("a.*");
  });
});

describe("canonical e-mail", () => {
  it("lowercases, drops dots and +tags from the local part", () => {
    expect(canonicalEmail("J.Doe+news@Example.COM")).toBe("jdoe@example.com");
    expect(canonicalEmail("jdoe@ex.ample.com")).toBe("jdoe@ex.ample.com");
  });
});

describe("roles", () => {
  it("moderators handle reports and users; federation, blocks and data deletion are for admins", () => {
    expect(can("moderator", "manage_reports")).toBe(true);
    expect(can("moderator", "manage_users")).toBe(true);
    expect(can("moderator", "manage_federation")).toBe(false);
    expect(can("moderator", "delete_user_data")).toBe(false);
    expect(can("admin", "manage_federation")).toBe(true);
    expect(can("user", "manage_reports")).toBe(false);
    expect(can("owner", "administrator")).toBe(true);
  });

  it("nobody raises anyone to or above their own role, except the owner", () => {
    expect(canAssign("admin", "user", "moderator")).toBe(true);
    expect(canAssign("admin", "user", "admin")).toBe(false);
    expect(canAssign("admin", "admin", "user")).toBe(false);
    expect(canAssign("moderator", "user", "moderator")).toBe(false);
    expect(canAssign("owner", "admin", "owner")).toBe(true);
  });

  it("permission bits grow with the role", () => {
    expect(permissionBits("user")).toBe(String(1 << 16));
    expect(Number(permissionBits("admin")) & (1 << 5)).toBeTruthy();
    expect(Number(permissionBits("moderator")) & (1 << 5)).toBe(0);
    expect(Number(permissionBits("owner")) & 1).toBe(1);
  });
});
