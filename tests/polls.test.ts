import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client } from "./helpers/client.ts";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";

// Voting on local polls through the client API.

let kith: InProcess;
let api: ReturnType<typeof client>;
let author: string;
let voter: string;
let third: string;
let readOnly: string;
let db: pg.Client;

const newPoll = async (poll: object, extra: object = {}) => {
  const res = await api.call(author, "POST", "/api/v1/statuses", { status: "a question", poll, ...extra });
  if (res.status !== 200) throw new Error(JSON.stringify(res.body));
  return res.body;
};

beforeAll(async () => {
  kith = await startInProcess("polls");
  api = client(kith);
  author = await kith.core.tokens.issue((await kith.core.accounts.createLocal("lena")).id);
  const v = await kith.core.accounts.createLocal("milo");
  voter = await kith.core.tokens.issue(v.id);
  readOnly = await kith.core.tokens.issue(v.id, ["read"]);
  third = await kith.core.tokens.issue((await kith.core.accounts.createLocal("nina")).id);
  db = new pg.Client({ connectionString: kith.core.config.databaseUrl });
  await db.connect();
}, 60_000);

afterAll(async () => {
  await db?.end();
  await kith?.destroy();
});

describe("POST /api/v1/polls/:id/votes", () => {
  it("counts a single choice and shows the voter their own vote", async () => {
    const status = await newPoll({ options: ["red", "green", "blue"], expires_in: 600 });
    const res = await api.call(voter, "POST", `/api/v1/polls/${status.poll.id}/votes`, { choices: [2] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: status.poll.id, votes_count: 1, voters_count: 1, voted: true, own_votes: [2] });
    expect(res.body.options.map((o: any) => o.votes_count)).toEqual([0, 0, 1]);
    const form = await kith.app!.inject({ method: "POST", url: `/api/v1/polls/${status.poll.id}/votes`, headers: { authorization: `Bearer ${third}`, "content-type": "application/x-www-form-urlencoded" }, payload: "choices[]=0" });
    expect(JSON.parse(form.body)).toMatchObject({ votes_count: 2, voters_count: 2, own_votes: [0] });
    const anonymous = await api.call(null, "GET", `/api/v1/polls/${status.poll.id}`);
    expect(anonymous.body.options.map((o: any) => o.votes_count)).toEqual([1, 0, 1]);
    expect(anonymous.body.voted).toBeUndefined();
    const viaStatus = await api.call(voter, "GET", `/api/v1/statuses/${status.id}`);
    expect(viaStatus.body.poll).toMatchObject({ voted: true, own_votes: [2] });
  });

  it("counts several choices once per voter in a multiple-choice poll", async () => {
    const status = await newPoll({ options: ["a", "b", "c"], expires_in: 600, multiple: true });
    const res = await api.call(voter, "POST", `/api/v1/polls/${status.poll.id}/votes`, { choices: [0, 2, 2] });
    expect(res.body).toMatchObject({ votes_count: 2, voters_count: 1, own_votes: [0, 2] });
  });

  it("hides totals from others until the poll ends, when asked to", async () => {
    const status = await newPoll({ options: ["x", "y"], expires_in: 600, hide_totals: true });
    await api.call(voter, "POST", `/api/v1/polls/${status.poll.id}/votes`, { choices: [0] });
    expect((await api.call(third, "GET", `/api/v1/polls/${status.poll.id}`)).body.options.map((o: any) => o.votes_count)).toEqual([null, null]);
    expect((await api.call(author, "GET", `/api/v1/polls/${status.poll.id}`)).body.options.map((o: any) => o.votes_count)).toEqual([1, 0]);
    await db.query(`UPDATE "Poll" SET "expiresAt" = now() - interval '1 minute' WHERE id = $1`, [status.poll.id]);
    const ended = await api.call(third, "GET", `/api/v1/polls/${status.poll.id}`);
    expect(ended.body).toMatchObject({ expired: true, options: [{ votes_count: 1 }, { votes_count: 0 }] });
  });

  it("refuses bad votes with 422 and counts nothing", async () => {
    const status = await newPoll({ options: ["one", "two"], expires_in: 600 });
    const id = status.poll.id;
    const cases: [object, RegExp][] = [
      [{ choices: [] }, /blank/],
      [{}, /choices/],
      [{ choices: [5] }, /options of the poll/],
      [{ choices: [-1] }, /options of the poll/],
      [{ choices: ["first"] }, /option indexes/],
      [{ choices: [0, 1] }, /only one choice/],
    ];
    for (const [body, message] of cases) {
      const res = await api.call(voter, "POST", `/api/v1/polls/${id}/votes`, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error).toMatch(message);
    }
    expect((await api.call(voter, "POST", `/api/v1/polls/${id}/votes`, { choices: [1] })).status).toBe(200);
    const twice = await api.call(voter, "POST", `/api/v1/polls/${id}/votes`, { choices: [0] });
    expect(twice.status).toBe(422);
    expect(twice.body.error).toMatch(/already voted/);
    await db.query(`UPDATE "Poll" SET "expiresAt" = now() - interval '1 second' WHERE id = $1`, [id]);
    const late = await api.call(third, "POST", `/api/v1/polls/${id}/votes`, { choices: [0] });
    expect(late.status).toBe(422);
    expect(late.body.error).toMatch(/ended/);
    expect((await api.call(author, "GET", `/api/v1/polls/${id}`)).body).toMatchObject({ votes_count: 1, voters_count: 1, options: [{ votes_count: 0 }, { votes_count: 1 }] });
  });

  it("404 for unknown polls, bad ids and polls one cannot see; 401/403 without a token or scope", async () => {
    const hidden = await newPoll({ options: ["p", "q"], expires_in: 600 }, { visibility: "direct" });
    expect((await api.call(voter, "POST", `/api/v1/polls/${hidden.poll.id}/votes`, { choices: [0] })).status).toBe(404);
    expect((await api.call(voter, "GET", `/api/v1/polls/${hidden.poll.id}`)).status).toBe(404);
    expect((await api.call(voter, "POST", "/api/v1/polls/99999999/votes", { choices: [0] })).status).toBe(404);
    expect((await api.call(voter, "GET", "/api/v1/polls/abc")).status).toBe(404);
    const open = await newPoll({ options: ["p", "q"], expires_in: 600 });
    expect((await api.call(null, "POST", `/api/v1/polls/${open.poll.id}/votes`, { choices: [0] })).status).toBe(401);
    expect((await api.call(readOnly, "POST", `/api/v1/polls/${open.poll.id}/votes`, { choices: [0] })).status).toBe(403);
    expect((await api.call(author, "GET", `/api/v1/polls/${open.poll.id}`)).body.votes_count).toBe(0);
  });
});
