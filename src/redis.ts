import { Redis } from "ioredis";
import { withoutPassword } from "./redact.ts";

// BullMQ needs maxRetriesPerRequest: null on connections that block.
export function createRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false });
}

/** How long a process keeps trying to reach Redis before it gives up (at start, or an admin command). */
export const CONNECT_TIMEOUT_MS = 5_000;

/** Redis did not answer within CONNECT_TIMEOUT_MS; the message is the one line the CLI prints. */
export class RedisUnreachable extends Error {}

type Log = { warn(fields: object, message: string): void; info(fields: object, message: string): void };

/** The URL as it may be printed: without its password. */
export const redactRedisUrl = (url: string) => withoutPassword(url, "Redis");

const reasonOf = (error: Error & { code?: string }) => error.message || error.code || String(error);

/**
 * Every Redis connection of one process. ioredis retries a lost connection
 * for ever and emits 'error' at every attempt, on every connection (a
 * server holds about seven: its own, the queues', BullMQ's copies, the
 * subscribers'), so logging those events printed some twenty lines a
 * second for as long as an outage lasted. The link logs the state of them
 * all instead: once when the first connection fails, once when the last
 * failing one is back.
 */
export class RedisLink {
  private readonly url: string;
  private readonly shown: string;
  private readonly log: Log;
  private readonly failing = new Set<Redis>();
  /** Errors already accounted for here, which BullMQ passes on to its queues' own 'error' listeners. */
  private readonly seen = new WeakSet<object>();
  private lostAt: number | null = null;

  constructor(url: string, log: Log) {
    this.url = url;
    this.shown = redactRedisUrl(url);
    this.log = log;
  }

  /**
   * The first connection, once Redis has answered on it. Until then failures
   * are expected (Redis may still be starting) and stay quiet; after
   * `timeoutMs` of them it gives up with the last reason, in one line.
   */
  async connect(timeoutMs = CONNECT_TIMEOUT_MS): Promise<Redis> {
    const redis = createRedis(this.url);
    let reason = "no answer";
    const failed = (error: Error) => void (reason = reasonOf(error));
    redis.on("error", failed);
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new RedisUnreachable(`cannot connect to Redis at ${this.shown}: ${reason}`)), timeoutMs);
        redis.once("ready", () => {
          clearTimeout(timer);
          resolve();
        });
      });
    } catch (error) {
      // `failed` stays: a last attempt may still report, and nobody else listens.
      redis.disconnect();
      throw error;
    }
    redis.off("error", failed);
    return this.watch(redis);
  }

  /** Another connection (once Redis is known to answer: its failures are logged as an outage). */
  open(): Redis {
    return this.watch(createRedis(this.url));
  }

  /** Whether this is a connection failure the link has already logged (or is logging) as part of an outage. */
  reported(error: unknown): boolean {
    return typeof error === "object" && error !== null && this.seen.has(error);
  }

  private watch(redis: Redis): Redis {
    redis.on("error", (error: Error) => this.failed(redis, error));
    redis.on("ready", () => this.answered(redis));
    // Closed for good (quit, or BullMQ disposing of a connection): no longer one that must come back.
    redis.on("end", () => this.failing.delete(redis));
    // BullMQ gives each worker copies of the connection it is handed (duplicate()); they are watched too.
    const duplicate = redis.duplicate.bind(redis);
    redis.duplicate = (override) => this.watch(duplicate(override));
    return redis;
  }

  private failed(redis: Redis, error: Error) {
    this.seen.add(error);
    this.failing.add(redis);
    if (this.lostAt !== null) return;
    this.lostAt = Date.now();
    this.log.warn({ redis: this.shown, reason: reasonOf(error) }, `Redis at ${this.shown} is unreachable (${reasonOf(error)}); retrying until it answers`);
  }

  private answered(redis: Redis) {
    this.failing.delete(redis);
    if (this.lostAt === null || this.failing.size) return;
    const seconds = ((Date.now() - this.lostAt) / 1000).toFixed(1);
    this.lostAt = null;
    this.log.info({ redis: this.shown, downSeconds: Number(seconds) }, `Redis at ${this.shown} answers again, after ${seconds} s`);
  }
}
