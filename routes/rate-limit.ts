import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Redis } from "ioredis";
import { createHash } from "node:crypto";
import { isIPv6 } from "node:net";
import type { RateLimit } from "../src/config.ts";
import type { Core } from "../src/core.ts";
import { principalOf } from "./auth.ts";
import { credentialsOf } from "./oauth/credentials.ts";
import { routedPath } from "./routed-path.ts";

// Mastodon's rate limits (its rack-attack throttles): fixed windows aligned to
// the clock, counted in Redis so every web process shares them, several
// throttles per request (the API limit plus, say, the media one), and the
// X-RateLimit-* headers of the throttle closest to its limit.
//
// A hand-written counter rather than @fastify/rate-limit: that plugin applies
// one limit per route, set where the route is declared, and keys it before the
// token is known; Mastodon's throttles overlap, are keyed by account or IP, and
// match requests by path across everyone's routes. One Lua call per request does it.

type Rule = {
  name: string;
  limit: RateLimit | null;
  /** Whose counter: the account (or the IP without one), always the IP, or the login a sign-in names. */
  by: "account" | "ip" | "accountOrIp" | "login";
  /** Rules that read the body are checked once it is parsed; the others as soon as the request arrives. */
  needsBody?: boolean;
  matches(method: string, path: string, body?: unknown): boolean;
};

const API = /^\/api\//;
const STREAMING = /^\/api\/v1\/streaming(\/|$)/;

/** A post of the authorization form that signs in (with a password), not one that only approves for a signed-in browser. */
const signsIn = (m: string, p: string, body: unknown) => m === "POST" && p === "/oauth/authorize" && credentialsOf(body) !== null;

export function rateLimitRules(limits: Core["config"]["rateLimits"]): Rule[] {
  return [
    // The streaming API is not counted, as on Mastodon (its own server there): reconnecting must not eat the budget.
    { name: "api", limit: limits.api, by: "accountOrIp", matches: (_m, p) => API.test(p) && !STREAMING.test(p) },
    { name: "media", limit: limits.media, by: "account", matches: (m, p) => m === "POST" && /^\/api\/v\d+\/media$/.test(p) },
    {
      name: "deletes",
      limit: limits.deletes,
      by: "account",
      matches: (m, p) => (m === "DELETE" && /^\/api\/v1\/statuses\/\d+$/.test(p)) || (m === "POST" && /^\/api\/v1\/statuses\/\d+\/unreblog$/.test(p)),
    },
    { name: "sign_ups", limit: limits.signUps, by: "ip", matches: (m, p) => m === "POST" && p === "/api/v1/accounts" },
    // Mastodon's throttle_login_attempts/ip and /email: every sign-in attempt counts, right or wrong.
    { name: "sign_ins", limit: limits.signIns, by: "ip", needsBody: true, matches: signsIn },
    { name: "sign_ins_login", limit: limits.signInsPerLogin, by: "login", needsBody: true, matches: signsIn },
    // Where apps trade codes and secrets for tokens: the other door to guess through, with its own counter.
    { name: "oauth_tokens", limit: limits.signIns, by: "ip", matches: (m, p) => m === "POST" && p === "/oauth/token" },
  ];
}

/** Counts hits in fixed windows; returns each counter after this hit. */
export interface RateCounter {
  hit(counters: { key: string; windowSeconds: number }[]): Promise<number[]>;
}

const HIT = `
local counts = {}
for i, key in ipairs(KEYS) do
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('EXPIRE', key, ARGV[i]) end
  counts[i] = n
end
return counts`;

export class RedisRateCounter implements RateCounter {
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(redis: Redis, prefix: string) {
    this.redis = redis;
    this.prefix = prefix ? `${prefix}:` : "";
    if (!("kithRateHit" in redis)) redis.defineCommand("kithRateHit", { lua: HIT });
  }

  async hit(counters: { key: string; windowSeconds: number }[]): Promise<number[]> {
    const run = (this.redis as unknown as Record<string, (...args: unknown[]) => Promise<number[]>>).kithRateHit!;
    return run.call(this.redis, counters.length, ...counters.map((c) => `${this.prefix}ratelimit:${c.key}`), ...counters.map((c) => c.windowSeconds + 1));
  }
}

/** IPv6 clients usually hold a whole /64, so that is what is counted (as Mastodon does). */
export function throttledAddress(ip: string): string {
  if (!isIPv6(ip) || ip.includes(".")) return ip.replace(/^::ffff:/i, "");
  const [head = "", tail = ""] = ip.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = ip.includes("::") ? [...left, ...Array(8 - left.length - right.length).fill("0"), ...right] : left;
  return `${groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(":")}::/64`;
}

async function accountOf(core: Core, request: FastifyRequest): Promise<bigint | null> {
  // A bad token is the route's to refuse (401); here it just means "count by IP".
  const principal = await principalOf(core, request).catch(() => null);
  return principal?.accountId ?? null;
}

type Outcome = { rule: Rule; count: number; resetAt: Date };

function setHeaders(reply: FastifyReply, { rule, count, resetAt }: Outcome) {
  reply.header("x-ratelimit-limit", String(rule.limit!.max));
  reply.header("x-ratelimit-remaining", String(Math.max(0, rule.limit!.max - count)));
  reply.header("x-ratelimit-reset", resetAt.toISOString());
}

/** The login a sign-in names, as a counter key: case and spaces do not make a new budget, and the key holds no personal data. */
function loginKey(body: unknown): string | null {
  const login = credentialsOf(body)?.login.trim().toLowerCase();
  return login ? createHash("sha256").update(login).digest("base64url").slice(0, 22) : null;
}

export function registerRateLimits(app: FastifyInstance, core: Core, counter: RateCounter, now: () => number = Date.now) {
  const rules = rateLimitRules(core.config.rateLimits).filter((r) => r.limit !== null);
  if (!core.config.rateLimitsEnabled || !rules.length) return;

  async function enforce(request: FastifyRequest, reply: FastifyReply, candidates: Rule[], body?: unknown) {
    const path = routedPath(request);
    const matched = candidates.filter((r) => r.matches(request.method, path, body));
    if (!matched.length) return;
    const accountId = matched.some((r) => r.by === "account" || r.by === "accountOrIp") ? await accountOf(core, request) : null;
    const ip = `ip:${throttledAddress(request.ip)}`;
    const login = matched.some((r) => r.by === "login") ? loginKey(body) : null;
    const counted = matched.flatMap((rule) => {
      const who =
        rule.by === "ip" ? ip : rule.by === "login" ? (login && `login:${login}`) : accountId !== null ? `account:${accountId}` : rule.by === "account" ? null : ip;
      if (!who) return [];
      const { max, windowSeconds } = rule.limit!;
      const window = Math.floor(now() / 1000 / windowSeconds);
      return [{ rule, key: `${rule.name}:${who}:${window}`, windowSeconds, resetAt: new Date((window + 1) * windowSeconds * 1000), max }];
    });
    if (!counted.length) return;
    let counts: number[];
    try {
      counts = await counter.hit(counted);
    } catch (err) {
      // Redis trouble must not take the API down with it: let the request through.
      request.log.warn({ err }, "rate limit counters unavailable");
      return;
    }
    const outcomes: Outcome[] = counted.map((c, i) => ({ rule: c.rule, count: counts[i]!, resetAt: c.resetAt }));
    const exceeded = outcomes.find((o) => o.count > o.rule.limit!.max);
    const closest = exceeded ?? outcomes.reduce((a, b) => (b.rule.limit!.max - b.count < a.rule.limit!.max - a.count ? b : a));
    setHeaders(reply, closest);
    if (exceeded) {
      reply.header("retry-after", String(Math.max(1, Math.ceil((exceeded.resetAt.getTime() - now()) / 1000))));
      return reply.status(429).send({ error: "Too many requests" });
    }
  }

  const early = rules.filter((r) => !r.needsBody);
  const late = rules.filter((r) => r.needsBody);
  if (early.length) app.addHook("onRequest", async (request, reply) => enforce(request, reply, early));
  if (late.length) app.addHook("preHandler", async (request, reply) => enforce(request, reply, late, request.body));
}
