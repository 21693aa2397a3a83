import { expect } from "vitest";
import { hasScope, SCOPES } from "../../src/auth/scopes.ts";
import type { InProcess } from "./in-process.ts";
import { sql } from "./oauth-client.ts";
import { clientOf } from "./timeline-client.ts";

// Table-driven refusals for the client API: a request that must be refused,
// the status and Mastodon's {"error": "..."} it must get, and proof that it
// changed nothing: the answers of some GETs read back through the API, and
// every stored row (token use times aside, which authentication keeps).
//
// Tables are written before the suite's accounts exist, so URLs and bodies
// name them as {placeholders}, filled in from `world.ids` when a case runs.

export type Refusal = {
  method: string;
  url: string;
  status: number;
  error: RegExp;
  body?: unknown;
  /** A form-encoded body instead of JSON, as many apps send it. */
  form?: string;
  /** A key of `world.tokens` (default "owner"), or "none" to send no token. */
  as?: string;
  /** GETs, with the owner's token, whose answers must be the same after the refusal. */
  readBack?: string[];
};

/** A request that needs `scope` ("a or b" when either will do): refused (403) to a token with every other scope. */
export type Scoped = { method: string; url: string; scope: string; body?: unknown; readBack?: string[]; withOnlyThatScope?: number };

export type World = { ids: Record<string, string>; tokens: Record<string, string>; ownerId: bigint };

const alternatives = (scope: string) => scope.split(" or ");

/** Every scope except those that grant `required`: a token that may do anything but what the endpoint asks. */
export const allScopesBut = (required: string) => SCOPES.filter((s) => !alternatives(required).some((r) => hasScope([s], r)));

/** One digest per table of all its rows, so a failure names the table that changed. */
export async function storedRows(kith: InProcess): Promise<Record<string, string>> {
  const tables = await sql<{ name: string }>(
    kith,
    `select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' and table_name not like '\\_%' order by 1`,
  );
  const row = `to_jsonb(t) - 'lastUsedAt'`;
  const query = tables.map(({ name }) => `select '${name}' as name, md5(coalesce(string_agg((${row})::text, '|' order by (${row})::text), '')) as digest from "${name}" t`).join(" union all ");
  return Object.fromEntries((await sql<{ name: string; digest: string }>(kith, query)).map((r) => [r.name, r.digest]));
}

const fill = (text: string, ids: Record<string, string>) =>
  text.replace(/\{(\w+)\}/g, (_, key: string) => {
    if (!(key in ids)) throw new Error(`no id for {${key}}`);
    return ids[key]!;
  });

export function refusals(kith: InProcess, world: World) {
  const call = clientOf(kith);
  const send = (method: string, url: string, token: string | null, body: unknown, form?: string) =>
    call(method, fill(url, world.ids), {
      token,
      body: body === undefined ? undefined : JSON.parse(fill(JSON.stringify(body), world.ids)),
      form: form === undefined ? undefined : fill(form, world.ids),
    });
  const snapshot = async (readBack: string[]) => ({
    api: await Promise.all(readBack.map(async (url) => [url, (await send("GET", url, world.tokens.owner!, undefined)).body])),
    stored: await storedRows(kith),
  });
  const tokens = new Map<string, Promise<string>>();
  const tokenWith = (scopes: string[]) => {
    const key = scopes.join(" ");
    if (!tokens.has(key)) tokens.set(key, kith.core.tokens.issue(world.ownerId, scopes));
    return tokens.get(key)!;
  };

  async function expectRefused(c: Refusal, token?: string) {
    const before = await snapshot(c.readBack ?? []);
    const as = c.as ?? "owner";
    const res = await send(c.method, c.url, token ?? (as === "none" ? null : world.tokens[as]!), c.body, c.form);
    const what = `${c.method} ${c.url}: ${JSON.stringify(res.body).slice(0, 300)}`;
    expect(res.status, what).toBe(c.status);
    expect(res.body, what).toEqual({ error: expect.stringMatching(c.error) });
    expect(await snapshot(c.readBack ?? [])).toEqual(before);
  }

  return {
    expectRefused,
    /** 403 to a token with every scope but the one needed; a GET is answered (200 unless said) to a token with only that one. */
    async expectScopeNeeded(c: Scoped) {
      await expectRefused({ ...c, status: 403, error: /^This action is outside the authorized scopes$/ }, await tokenWith(allScopesBut(c.scope)));
      if (c.method !== "GET") return;
      for (const scope of alternatives(c.scope)) {
        const res = await send(c.method, c.url, await tokenWith([scope]), undefined);
        expect(res.status, `${c.url} with only ${scope}: ${JSON.stringify(res.body)}`).toBe(c.withOnlyThatScope ?? 200);
      }
    },
  };
}

/** `it.each` rows named "POST /api/v1/lists → 422". */
export const named = <T extends { method: string; url: string }>(cases: T[], suffix: (c: T) => string = () => "") =>
  cases.map((c) => [`${c.method} ${c.url} ${suffix(c)}`.trim().slice(0, 160), c] as [string, T]);
