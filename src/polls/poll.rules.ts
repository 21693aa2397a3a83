import { unprocessable } from "../errors.ts";

// What makes a poll valid, shared by new posts, edits and scheduled posts.

export const POLL_MAX_EXPIRES_IN = 2_629_746;
export const POLL_MAX_OPTION_CHARS = 50;

/** What the instance allows: most options, and shortest duration in seconds (KITH_POLL_MIN_EXPIRES_IN, 300 as on Mastodon). */
export type PollLimits = { maxOptions: number; minExpiresIn: number };

/** A poll as a local author asks for it. */
export type NewPoll = { options: string[]; expiresIn: number; multiple?: boolean; hideTotals?: boolean };

/** A poll as it is stored: local ones start at zero, remote ones arrive with their counts. */
export type PollData = {
  options: string[];
  votes: number[];
  votersCount: number;
  multiple: boolean;
  hideTotals: boolean;
  expiresAt: Date | null;
};

export function validatePoll(input: NewPoll, limits: PollLimits, now = new Date()): PollData {
  const { maxOptions, minExpiresIn } = limits;
  const options = input.options.map((o) => o.trim());
  if (options.length < 2) throw unprocessable("Validation failed: Poll must have at least 2 options");
  if (options.length > maxOptions) throw unprocessable(`Validation failed: Poll must not have more than ${maxOptions} options`);
  if (options.some((o) => !o)) throw unprocessable("Validation failed: Poll options must not be blank");
  if (options.some((o) => [...o].length > POLL_MAX_OPTION_CHARS)) throw unprocessable(`Validation failed: Poll options must not be longer than ${POLL_MAX_OPTION_CHARS} characters`);
  if (new Set(options).size !== options.length) throw unprocessable("Validation failed: Poll options must not repeat");
  if (!Number.isInteger(input.expiresIn) || input.expiresIn < minExpiresIn || input.expiresIn > POLL_MAX_EXPIRES_IN) {
    throw unprocessable(`Validation failed: Poll expires_in must be from ${minExpiresIn} to ${POLL_MAX_EXPIRES_IN} seconds`);
  }
  return {
    options,
    votes: options.map(() => 0),
    votersCount: 0,
    multiple: Boolean(input.multiple),
    hideTotals: Boolean(input.hideTotals),
    expiresAt: new Date(now.getTime() + input.expiresIn * 1000),
  };
}

export const isExpired = (poll: { expiresAt: Date | null }, now = new Date()) => poll.expiresAt !== null && poll.expiresAt <= now;

/** Choices as indexes into the options: at least one, each once, one only unless the poll allows several. */
export function validateChoices(poll: { options: string[]; multiple: boolean }, choices: number[]): number[] {
  const unique = [...new Set(choices)];
  if (!unique.length) throw unprocessable("Validation failed: Choices can't be blank");
  if (unique.some((c) => !Number.isInteger(c) || c < 0 || c >= poll.options.length)) throw unprocessable("Validation failed: Choices must name options of the poll");
  if (!poll.multiple && unique.length > 1) throw unprocessable("Validation failed: This poll allows only one choice");
  return unique.sort((a, b) => a - b);
}
