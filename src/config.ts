import { isIP } from "node:net";
import { z } from "zod";
import { vapidKeyProblem } from "./push/vapid.ts";

// The only reader of process.env. Everything else receives a frozen Config.

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no", "on", "off", ""])
  .transform((v) => ["true", "1", "yes", "on"].includes(v));

/** "requests/seconds", e.g. 300/300 for 300 requests per 5 minutes; "off" for no limit. */
const rateLimit = (fallback: string) =>
  z
    .string()
    .regex(/^(off|[1-9]\d*\/[1-9]\d*)$/, "must be requests/seconds such as 300/300, or off")
    .default(fallback)
    .transform((v) => (v === "off" ? null : { max: Number(v.split("/")[0]), windowSeconds: Number(v.split("/")[1]) }));

/** An IP address, a CIDR range or one of proxy-addr's names (loopback, linklocal, uniquelocal). */
const proxyEntry = z.string().refine((v) => {
  if (["loopback", "linklocal", "uniquelocal"].includes(v)) return true;
  const [ip = "", bits, ...rest] = v.split("/");
  const family = isIP(ip);
  return family !== 0 && !rest.length && (bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128)));
}, "must be a comma-separated list of IP addresses or CIDR ranges (or loopback, linklocal, uniquelocal)");

const schema = z.object({
  KITH_PUBLIC_URL: z
    .url({ protocol: /^https?$/, message: "must be an http(s) origin such as https://kith.example" })
    .transform((v) => new URL(v))
    .refine((u) => u.pathname === "/" && !u.search && !u.hash, "must be an origin without a path"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgresql:// URL"),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "must be a redis:// URL").default("redis://127.0.0.1:6379"),
  REDIS_PREFIX: z.string().regex(/^[\w.-]*$/, "letters, digits, _ . - only").default("kith"),
  ROLE: z.enum(["web", "worker", "all"]).default("all"),
  KITH_ALLOW_PRIVATE_ADDRESS: bool.default(false),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  KITH_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(16),
  KITH_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  KITH_DELIVERY_RETRY_BASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  KITH_MEDIA_DIR: z.string().min(1).default("./media"),
  KITH_MEDIA_MAX_BYTES: z.coerce.number().int().min(1024).default(16_777_216),
  KITH_POLL_MAX_OPTIONS: z.coerce.number().int().min(2).max(20).default(4),
  KITH_POLL_MIN_EXPIRES_IN: z.coerce.number().int().min(1).max(2_629_746).default(300),
  KITH_MOVE_COOLDOWN_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
  KITH_TRUSTED_PROXIES: z
    .string()
    .default("loopback")
    .transform((v) => v.split(",").map((p) => p.trim()).filter(Boolean))
    .pipe(z.array(proxyEntry)),
  KITH_RATE_LIMITS: bool.default(true),
  KITH_RATE_LIMIT_API: rateLimit("300/300"),
  KITH_RATE_LIMIT_MEDIA: rateLimit("30/1800"),
  KITH_RATE_LIMIT_DELETES: rateLimit("30/1800"),
  KITH_RATE_LIMIT_SIGN_UPS: rateLimit("5/1800"),
  KITH_RATE_LIMIT_SIGN_INS: rateLimit("25/300"),
  KITH_RATE_LIMIT_SIGN_INS_PER_LOGIN: rateLimit("25/3600"),
  KITH_VAPID_PUBLIC_KEY: z.string().trim().default(""),
  KITH_VAPID_PRIVATE_KEY: z.string().trim().default(""),
}).superRefine((e, ctx) => {
  const problem = vapidKeyProblem(e.KITH_VAPID_PUBLIC_KEY, e.KITH_VAPID_PRIVATE_KEY);
  if (problem) ctx.addIssue({ code: "custom", path: [problem.variable], message: problem.message });
});

/** At most `max` requests per fixed window of `windowSeconds`. */
export type RateLimit = Readonly<{ max: number; windowSeconds: number }>;

export type Config = Readonly<{
  publicUrl: URL;
  /** host[:port] as it appears in handles: alice@kith.example */
  domain: string;
  port: number;
  host: string;
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  role: "web" | "worker" | "all";
  allowPrivateAddress: boolean;
  logLevel: string;
  workerConcurrency: number;
  maxBodyBytes: number;
  /** First retry delay of a failed delivery; later ones double up to 12 h. */
  deliveryRetryBaseSeconds: number;
  /** Where the disk media store keeps uploaded files. */
  mediaDir: string;
  /** Largest media upload accepted, in bytes. */
  mediaMaxBytes: number;
  pollMaxOptions: number;
  /** Shortest poll a local author may start, in seconds. */
  pollMinExpiresIn: number;
  /** Days a local account waits after moving before it may move again (Mastodon: 30). */
  moveCooldownDays: number;
  /** Peers whose X-Forwarded-For is believed (Fastify trustProxy); anyone else's address is the socket's. */
  trustedProxies: readonly string[];
  rateLimitsEnabled: boolean;
  /** null: that limit is off. */
  rateLimits: Readonly<{
    api: RateLimit | null;
    media: RateLimit | null;
    deletes: RateLimit | null;
    signUps: RateLimit | null;
    /** Sign-in attempts per IP address, at the authorization form and (counted apart) at the token endpoint. */
    signIns: RateLimit | null;
    signInsPerLogin: RateLimit | null;
  }>;
  /** The operator's Web Push (VAPID) key pair; null: Kith makes one and keeps it in the database. */
  vapid: Readonly<{ publicKey: string; privateKey: string }> | null;
}>;

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const name = String(i.path[0] ?? "?");
      const given = env[name] === undefined ? "not set" : `got ${JSON.stringify(env[name])}`;
      return `  ${name}: ${i.message} (${given})`;
    });
    throw new ConfigError(`Invalid configuration; see .env.example:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  return Object.freeze({
    publicUrl: e.KITH_PUBLIC_URL,
    domain: e.KITH_PUBLIC_URL.host,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    role: e.ROLE,
    allowPrivateAddress: e.KITH_ALLOW_PRIVATE_ADDRESS,
    logLevel: e.LOG_LEVEL,
    workerConcurrency: e.KITH_WORKER_CONCURRENCY,
    maxBodyBytes: e.KITH_MAX_BODY_BYTES,
    deliveryRetryBaseSeconds: e.KITH_DELIVERY_RETRY_BASE_SECONDS,
    mediaDir: e.KITH_MEDIA_DIR,
    mediaMaxBytes: e.KITH_MEDIA_MAX_BYTES,
    pollMaxOptions: e.KITH_POLL_MAX_OPTIONS,
    pollMinExpiresIn: e.KITH_POLL_MIN_EXPIRES_IN,
    moveCooldownDays: e.KITH_MOVE_COOLDOWN_DAYS,
    trustedProxies: Object.freeze(e.KITH_TRUSTED_PROXIES),
    rateLimitsEnabled: e.KITH_RATE_LIMITS,
    rateLimits: Object.freeze({
      api: e.KITH_RATE_LIMIT_API,
      media: e.KITH_RATE_LIMIT_MEDIA,
      deletes: e.KITH_RATE_LIMIT_DELETES,
      signUps: e.KITH_RATE_LIMIT_SIGN_UPS,
      signIns: e.KITH_RATE_LIMIT_SIGN_INS,
      signInsPerLogin: e.KITH_RATE_LIMIT_SIGN_INS_PER_LOGIN,
    }),
    vapid: e.KITH_VAPID_PUBLIC_KEY ? Object.freeze({ publicKey: e.KITH_VAPID_PUBLIC_KEY, privateKey: e.KITH_VAPID_PRIVATE_KEY }) : null,
  });
}
