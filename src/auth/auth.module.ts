import type { Redis } from "ioredis";
import type { Db } from "../db/client.ts";
import { ApplicationRepository } from "./application.repository.ts";
import { ApplicationService } from "./application.service.ts";
import { AuthorizationCodeRepository } from "./authorization-code.repository.ts";
import { AuthorizationService } from "./authorization.service.ts";
import { CredentialRepository } from "./credential.repository.ts";
import { OAuthTokenService } from "./oauth-token.service.ts";
import { MemoryRevokedSessions, RedisRevokedSessions } from "./revoked-sessions.ts";
import { SignInService } from "./sign-in.service.ts";
import { SignerService } from "./signer.service.ts";
import { SigningKeyRepository } from "./signing-key.repository.ts";
import type { TokenService } from "./token.service.ts";
import { WebSessionService } from "./web-session.service.ts";

/** The OAuth side of the core: apps, the code flow, the token endpoint, sign-in and the browser's session. */
export function createAuth(db: Db, tokens: TokenService, redis?: Redis, redisPrefix = "") {
  const apps = new ApplicationService(new ApplicationRepository(db));
  const codes = new AuthorizationCodeRepository(db);
  const signIn = new SignInService(new CredentialRepository(db));
  const signer = new SignerService(new SigningKeyRepository(db));
  const revoked = redis ? new RedisRevokedSessions(redis, redisPrefix) : new MemoryRevokedSessions();
  return {
    apps,
    authorization: new AuthorizationService(apps, codes),
    oauthTokens: new OAuthTokenService(apps, codes, tokens),
    signIn,
    signer,
    webSessions: new WebSessionService(signer, signIn, revoked),
  };
}
