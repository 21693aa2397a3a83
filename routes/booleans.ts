import { z } from "zod";

// Boolean parameters, read the way Mastodon reads them (Rails'
// ActiveModel::Type::Boolean, and its streaming server's isTruthy): only a
// handful of spellings mean false, an empty value means the parameter was not
// given, and everything else means true, so `resolve=True` (toot) or
// `only_media=yes` do what the app meant. One rule for query strings, form
// and multipart fields, and strings in JSON bodies; JSON booleans stay as sent.

const FALSE_SPELLINGS = new Set(["0", "f", "F", "false", "FALSE", "off", "OFF"]);

const MESSAGE = "must be true or false";

/**
 * true or false as Rails casts the value, undefined when it is absent, empty
 * or null. A list or an object is returned as it is, for the schema to refuse
 * with a message rather than take it as true.
 */
export function railsBoolean(value: unknown): unknown {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0;
  if (typeof value === "string") return !FALSE_SPELLINGS.has(value);
  return value;
}

/** Whether a parameter read outside a schema (a query flag) is true. */
export const isTruthy = (value: unknown): boolean => railsBoolean(value) === true;

/** An optional boolean parameter: undefined when absent or empty. */
export const flag = z.preprocess(railsBoolean, z.boolean({ error: MESSAGE }).optional()).optional();

/** A boolean parameter with a default, which an empty value also gets (Rails casts "" to nil). */
export const flagOr = (fallback: boolean) => z.preprocess((value) => railsBoolean(value) ?? fallback, z.boolean({ error: MESSAGE }));
