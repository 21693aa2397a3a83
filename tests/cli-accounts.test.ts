import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INSTANCE_ACTOR } from "../src/accounts/account.service.ts";
import { cliEnv, runCli } from "./helpers/cli.ts";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";
import { authorize, redirectParams, registerApp, sql, type App } from "./helpers/oauth-client.ts";

// kith accounts create|password|list, run as an operator runs them (a child
// process) against an instance in this process, whose authorization page the
// new passwords are tried on, as a person signing in would.

const SLOW = { timeout: 120_000 };

let server: InProcess;
let app: App;
const kith = (...args: string[]) => runCli(cliEnv(server.core.config), args);

/** Whether `login` gets an authorization code with `password` on /oauth/authorize. */
async function signsIn(login: string, password: string): Promise<boolean> {
  const { result } = await authorize(server, { response_type: "code", client_id: app.client_id, redirect_uri: app.redirect_uri, scope: "read" }, { login, password });
  if (result.status === 401) return false;
  return Boolean(redirectParams(result).get("code"));
}

beforeAll(async () => {
  server = await startInProcess("cli_accounts");
  app = await registerApp(server, "read");
}, 60_000);

afterAll(async () => server?.destroy());

describe("accounts create", SLOW, () => {
  it("without --password makes a strong one, prints it, and the account signs in with it", async () => {
    const res = await kith("accounts", "create", "carol");
    expect(res.code).toBe(0);
    expect(res.stderr).toBe("");
    expect(res.json).toMatchObject({ username: "carol", acct: `carol@${server.core.config.domain}`, access_token: expect.any(String), password: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(await signsIn("carol", res.json.password)).toBe(true);
    expect(await signsIn("carol", "not the password")).toBe(false);
    // Another account gets another password.
    const other = await kith("accounts", "create", "carla");
    expect(other.json.password).toMatch(/^[0-9a-f]{32}$/);
    expect(other.json.password).not.toBe(res.json.password);
  });

  it("with --password sets that one and prints none", async () => {
    const res = await kith("accounts", "create", "dave", "--password", "correct horse battery");
    expect(res.code).toBe(0);
    expect(res.json).not.toHaveProperty("password");
    expect(res.json.username).toBe("dave");
    expect(await signsIn("dave", "correct horse battery")).toBe(true);
  });

  it("refuses a password the rules refuse with exit 1, one line, and no account", async () => {
    const res = await kith("accounts", "create", "erin", "--password", "short");
    expect(res.code).toBe(1);
    expect(res.stderr).toBe("kith: Password must be 8 to 72 characters\n");
    expect(res.stdout).toBe("");
    expect(await sql(server, `select id from "Account" where username = 'erin'`)).toEqual([]);
  });
});

describe("accounts password", SLOW, () => {
  it("without --password makes a new one and prints it: the old one stops working", async () => {
    await kith("accounts", "create", "frank", "--password", "first password");
    const res = await kith("accounts", "password", "frank");
    expect(res.code).toBe(0);
    expect(res.json).toEqual({ id: expect.stringMatching(/^\d+$/), username: "frank", password: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(await signsIn("frank", res.json.password)).toBe(true);
    expect(await signsIn("frank", "first password")).toBe(false);
  });

  it("with --password sets that one and prints none", async () => {
    const res = await kith("accounts", "password", "frank", "--password", "second password");
    expect(res.code).toBe(0);
    expect(res.json).toEqual({ id: expect.any(String), username: "frank" });
    expect(await signsIn("frank", "second password")).toBe(true);
  });

  it("gives an account made without a password (an older CLI, the API) one", async () => {
    const account = await server.core.accounts.createLocal("gina");
    expect(await signsIn("gina", "")).toBe(false);
    const res = await kith("accounts", "password", "gina", "--password", "gina's password");
    expect(res.json.id).toBe(String(account.id));
    expect(await signsIn("gina", "gina's password")).toBe(true);
  });

  it("refuses an unknown user and a refused password with exit 1 and one line, changing nothing", async () => {
    const ghost = await kith("accounts", "password", "ghost");
    expect(ghost.code).toBe(1);
    expect(ghost.stderr).toBe("kith: Account not found\n");
    expect(ghost.stdout).toBe("");
    // The instance's own actor is no user.
    expect((await kith("accounts", "password", INSTANCE_ACTOR)).code).toBe(1);
    const short = await kith("accounts", "password", "frank", "--password", "x".repeat(73));
    expect(short.code).toBe(1);
    expect(short.stderr).toBe("kith: Password must be 8 to 72 characters\n");
    expect(await signsIn("frank", "second password")).toBe(true);
  });
});

describe("accounts list", SLOW, () => {
  it("prints every local account, newest first, with its state; --pending and --role narrow it", async () => {
    const all = await kith("accounts", "list");
    expect(all.code).toBe(0);
    expect(all.stdout.trim().split("\n")).toHaveLength(1);
    const names = (list: any[]) => list.map((a) => a.username);
    expect(names(all.json)).toEqual(["gina", "frank", "dave", "carla", "carol"]);
    const carol = all.json.find((a: any) => a.username === "carol");
    expect(carol).toEqual({
      id: expect.stringMatching(/^\d+$/),
      username: "carol",
      role: "user",
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      approved: true,
      suspended: false,
      suspended_at: null,
      silenced: false,
      disabled: false,
      email: null,
      reason: null,
    });

    expect((await kith("accounts", "role", "dave", "admin")).code).toBe(0);
    expect((await kith("accounts", "suspend", "carla")).code).toBe(0);
    await sql(server, `update "User" set approved = false, reason = 'I like tea', email = 'hal@mail.example' where "accountId" = $1`, [all.json.find((a: any) => a.username === "gina").id]);

    expect(names((await kith("accounts", "list", "--role", "admin")).json)).toEqual(["dave"]);
    expect(names((await kith("accounts", "list", "--role", "owner")).json)).toEqual([]);
    const pending = await kith("accounts", "list", "--pending");
    expect(pending.json).toEqual([expect.objectContaining({ username: "gina", approved: false, email: "hal@mail.example", reason: "I like tea" })]);
    expect(names((await kith("accounts", "list", "--pending", "--role", "admin")).json)).toEqual([]);
    expect(names((await kith("accounts", "list", "--role", "user", "--pending")).json)).toEqual(["gina"]);
    const listed = await kith("accounts", "list");
    expect(listed.json.find((a: any) => a.username === "carla")).toMatchObject({ suspended: true, suspended_at: expect.any(String) });
    expect(listed.json.find((a: any) => a.username === "dave")).toMatchObject({ role: "admin" });
  });
});
