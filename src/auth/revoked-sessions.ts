import type { Redis } from "ioredis";

// Browser sessions are signed cookies, so signing out must also remember the
// session as ended until it would have expired anyway: a copy of the cookie
// taken before must not keep working.

export interface RevokedSessions {
  revoke(sessionId: string, ttlSeconds: number): Promise<void>;
  isRevoked(sessionId: string): Promise<boolean>;
}

/** Shared by every web process. */
export class RedisRevokedSessions implements RevokedSessions {
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(redis: Redis, prefix: string) {
    this.redis = redis;
    this.prefix = `${prefix}:revoked-session:`;
  }

  async revoke(sessionId: string, ttlSeconds: number) {
    await this.redis.set(this.prefix + sessionId, "1", "EX", ttlSeconds);
  }

  async isRevoked(sessionId: string) {
    return (await this.redis.exists(this.prefix + sessionId)) === 1;
  }
}

/** For a core without Redis (the admin CLI, which serves no browser). */
export class MemoryRevokedSessions implements RevokedSessions {
  private readonly until = new Map<string, number>();

  async revoke(sessionId: string, ttlSeconds: number) {
    this.until.set(sessionId, Date.now() + ttlSeconds * 1000);
  }

  async isRevoked(sessionId: string) {
    return (this.until.get(sessionId) ?? 0) > Date.now();
  }
}
