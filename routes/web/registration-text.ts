import type { Settings } from "../../src/instance/settings.ts";

/** What each registration mode means for a visitor, in the pages' words. */
export const REGISTRATION: Record<Settings["registrationMode"], string> = {
  open: "Anyone can sign up.",
  approval: "Anyone can ask to join; a moderator approves each sign-up.",
  invite: "Sign-up is by invitation only.",
  closed: "Sign-up is closed.",
};
