import { z } from "zod";

// The only reader of process.env. Everything else receives a frozen Config.

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no", "on", "off", ""])
  .transform((v) => ["true", "1", "yes", "on"].includes(v));

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
});

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
  });
}
