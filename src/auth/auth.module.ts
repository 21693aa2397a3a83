import type { Db } from "../db/client.ts";
import { ApplicationRepository } from "./application.repository.ts";
import { ApplicationService } from "./application.service.ts";
import { AuthorizationCodeRepository } from "./authorization-code.repository.ts";
import { AuthorizationService } from "./authorization.service.ts";
import { CredentialRepository } from "./credential.repository.ts";
import { OAuthTokenService } from "./oauth-token.service.ts";
import { SignInService } from "./sign-in.service.ts";
import { SignerService } from "./signer.service.ts";
import { SigningKeyRepository } from "./signing-key.repository.ts";
import type { TokenService } from "./token.service.ts";

/** The OAuth side of the core: apps, the code flow, the token endpoint, sign-in. */
export function createAuth(db: Db, tokens: TokenService) {
  const apps = new ApplicationService(new ApplicationRepository(db));
  const codes = new AuthorizationCodeRepository(db);
  return {
    apps,
    authorization: new AuthorizationService(apps, codes),
    oauthTokens: new OAuthTokenService(apps, codes, tokens),
    signIn: new SignInService(new CredentialRepository(db)),
    signer: new SignerService(new SigningKeyRepository(db)),
  };
}
