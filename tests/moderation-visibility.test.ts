import { afterAll, beforeAll, expect, it } from "vitest";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";

// What moderation changes in what ordinary API users see.

let kith: InProcess;
const call = (url: string, token: string) => kith.app!.inject({ method: "GET", url, headers: { authorization: `Bearer ${token}` } }).then((r) => JSON.parse(r.body));

beforeAll(async () => {
  kith = await startInProcess("moderation_visibility");
}, 60_000);

afterAll(async () => kith?.destroy());

it("verify_credentials carries the user's role, so apps can show moderation tools", async () => {
  const admin = await kith.core.accounts.createLocal("boss");
  await kith.core.moderation.accounts.setRole(null, admin.id, "admin");
  const user = await kith.core.accounts.createLocal("plain");
  const adminRole = (await call("/api/v1/accounts/verify_credentials", await kith.core.tokens.issue(admin.id))).role;
  const userRole = (await call("/api/v1/accounts/verify_credentials", await kith.core.tokens.issue(user.id))).role;
  expect(adminRole).toMatchObject({ id: "2", name: "Admin" });
  expect(Number(adminRole.permissions)).toBeGreaterThan(0);
  expect(userRole).toMatchObject({ id: "-99", name: "" });
  expect(Number(userRole.permissions)).toBeLessThan(Number(adminRole.permissions));
});

it("a silenced account is found in search by its followers only", async () => {
  const loud = await kith.core.accounts.createLocal("loudmouth");
  const fan = await kith.core.accounts.createLocal("fan");
  const stranger = await kith.core.accounts.createLocal("stranger");
  await kith.core.follows.follow(fan.id, loud.id);
  await kith.core.moderation.accounts.act(null, loud.id, { type: "silence" });
  const found = async (who: bigint) =>
    (await call("/api/v2/search?type=accounts&q=loudmo", await kith.core.tokens.issue(who))).accounts.map((a: { username: string }) => a.username);
  expect(await found(fan.id)).toEqual(["loudmouth"]);
  expect(await found(stranger.id)).toEqual([]);
});
