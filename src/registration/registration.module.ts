import type { AccountService } from "../accounts/account.service.ts";
import type { TokenService } from "../auth/token.service.ts";
import type { Db } from "../db/client.ts";
import type { FollowService } from "../follows/follow.service.ts";
import type { SettingsService } from "../instance/settings.ts";
import { EmailBlockRepository } from "../moderation/email-block.repository.ts";
import { EmailBlockService } from "../moderation/email-block.service.ts";
import { InviteRepository } from "./invite.repository.ts";
import { InviteService } from "./invite.service.ts";
import { RegistrationRepository } from "./registration.repository.ts";
import { RegistrationService } from "./registration.service.ts";

/** Sign-up and invites. `accountsIn` builds the account service on a transaction's Db. */
export function createRegistration(db: Db, deps: { accountsIn: (tx: Db) => AccountService; settings: SettingsService; tokens: TokenService; follows: FollowService }) {
  const invites = new InviteService(new InviteRepository(db));
  const emailBlocks = new EmailBlockService(new EmailBlockRepository(db));
  return {
    invites,
    registration: new RegistrationService({ repo: new RegistrationRepository(db), invites, isEmailBlocked: (email) => emailBlocks.isBlocked(email), ...deps }),
  };
}
