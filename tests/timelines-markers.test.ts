import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientOf, localUser, type Call, type LocalUser } from "./helpers/timeline-client.ts";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";

// Read markers: where a user stopped reading home and notifications, saved
// from JSON or form bodies, with a version that counts the saves.

let kith: InProcess;
let call: Call;
let alice: LocalUser;
let bob: LocalUser;

const markers = async (who: LocalUser, query = "?timeline[]=home&timeline[]=notifications") => (await call("GET", `/api/v1/markers${query}`, { token: who.token })).body;

beforeAll(async () => {
  kith = await startInProcess("markers");
  call = clientOf(kith);
  alice = await localUser(kith, "alice", ["read"]);
  bob = await localUser(kith, "bob");
}, 60_000);

afterAll(async () => kith?.destroy());

describe("markers", () => {
  it("has none at first", async () => {
    expect(await markers(alice)).toEqual({});
  });

  it("saves from JSON and from a form; each save bumps the version", async () => {
    const first = await call("POST", "/api/v1/markers", { token: alice.token, body: { home: { last_read_id: "100" } } });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ home: { last_read_id: "100", version: 0, updated_at: expect.any(String) } });
    const second = await call("POST", "/api/v1/markers", { token: alice.token, form: "home[last_read_id]=105&notifications[last_read_id]=7" });
    expect(second.body).toMatchObject({ home: { last_read_id: "105", version: 1 }, notifications: { last_read_id: "7", version: 0 } });
    expect(await markers(alice)).toMatchObject({ home: { last_read_id: "105", version: 1 }, notifications: { last_read_id: "7" } });
    expect(await markers(alice, "?timeline[]=notifications")).toEqual({ notifications: expect.objectContaining({ last_read_id: "7" }) });
    expect(await markers(bob)).toEqual({});
  });

  it.each([
    [{}, /home or notifications/],
    [{ home: { last_read_id: "abc" } }, /last_read_id/],
    [{ home: {} }, /last_read_id/],
  ])("422 for %j, and nothing changes", async (body, message) => {
    const res = await call("POST", "/api/v1/markers", { token: alice.token, body });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(message);
    expect((await markers(alice)).home).toMatchObject({ last_read_id: "105", version: 1 });
  });

  it("403 without write:statuses, 401 without a token, 422 for an unknown timeline", async () => {
    expect((await call("POST", "/api/v1/markers", { token: alice.narrow, body: { home: { last_read_id: "1" } } })).status).toBe(403);
    expect((await call("GET", "/api/v1/markers?timeline[]=home")).status).toBe(401);
    expect((await call("GET", "/api/v1/markers?timeline[]=public", { token: alice.token })).status).toBe(422);
    expect((await markers(alice)).home.last_read_id).toBe("105");
  });
});
