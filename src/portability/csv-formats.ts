import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { unprocessable } from "../errors.ts";

// Mastodon's CSV exports, byte for byte in shape (its Export and
// BulkImportService), so a file from one server imports into the other:
//   following_accounts.csv  Account address,Show boosts,Notify on new posts,Languages
//   muted_accounts.csv      Account address,Hide notifications
//   lists.csv               <list title>,<account address>          (no header)
//   blocked_accounts.csv    <account address>                        (no header)
//   blocked_domains.csv     <domain>                                 (no header)
//   bookmarks.csv           <status URL>                             (no header)
// On import a header row is optional, and extra columns are ignored, as on Mastodon.

export const CSV_TYPES = ["following", "lists", "blocks", "mutes", "domain_blocks", "bookmarks"] as const;
export type CsvType = (typeof CSV_TYPES)[number];
export const isCsvType = (value: string): value is CsvType => (CSV_TYPES as readonly string[]).includes(value);

/** The file name Mastodon gives each export. */
export const CSV_FILE_NAMES: Record<CsvType, string> = {
  following: "following_accounts.csv",
  lists: "lists.csv",
  blocks: "blocked_accounts.csv",
  mutes: "muted_accounts.csv",
  domain_blocks: "blocked_domains.csv",
  bookmarks: "bookmarks.csv",
};

const HEADERS: Partial<Record<CsvType, string[]>> = {
  following: ["Account address", "Show boosts", "Notify on new posts", "Languages"],
  mutes: ["Account address", "Hide notifications"],
};

/** One row of an import, in the domain's words. */
export type CsvEntry =
  | { type: "following"; acct: string; showReblogs: boolean; notify: boolean }
  | { type: "lists"; list: string; acct: string }
  | { type: "blocks"; acct: string }
  | { type: "mutes"; acct: string; notifications: boolean }
  | { type: "domain_blocks"; domain: string }
  | { type: "bookmarks"; uri: string };

export type ParsedCsv = { entries: { row: number; entry: CsvEntry }[]; errors: { row: number; error: string }[] };

/** Mastodon imports at most this many rows of one file (its ROWS_PROCESSING_LIMIT). */
export const MAX_IMPORT_ROWS = 20_000;

export function toCsv(type: CsvType, rows: string[][]): string {
  const header = HEADERS[type];
  return stringify(header ? [header, ...rows] : rows);
}

const ACCT = /^@?[a-z0-9_][a-z0-9_.-]*@[a-z0-9.-]+(?::\d{1,5})?$/i;
const DOMAIN = /^[a-z0-9-]+(\.[a-z0-9-]+)*(:\d{1,5})?$/i;
const bool = (value: string | undefined, fallback: boolean) => (value === undefined || value.trim() === "" ? fallback : value.trim().toLowerCase() === "true");

/** The rows of an uploaded file; a row that cannot be read is reported with its number, and the others still import. */
export function parseCsv(type: CsvType, text: string): ParsedCsv {
  let records: string[][];
  try {
    records = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true, trim: true, max_record_size: 4096 });
  } catch (error) {
    throw unprocessable(`The file is not a CSV file Kith can read: ${error instanceof Error ? error.message : String(error)}`);
  }
  const header = HEADERS[type];
  const start = records[0]?.[0]?.toLowerCase() === (header?.[0] ?? "account address").toLowerCase() ? 1 : 0;
  if (records.length - start > MAX_IMPORT_ROWS) throw unprocessable(`The file has ${records.length - start} rows; at most ${MAX_IMPORT_ROWS} can be imported at once`);
  const parsed: ParsedCsv = { entries: [], errors: [] };
  records.slice(start).forEach((cells, i) => {
    const row = i + start + 1;
    const entry = entryOf(type, cells);
    if (typeof entry === "string") parsed.errors.push({ row, error: entry });
    else parsed.entries.push({ row, entry });
  });
  return parsed;
}

function entryOf(type: CsvType, cells: string[]): CsvEntry | string {
  const [first = "", second] = cells;
  const acct = (value: string) => (ACCT.test(value) ? value.replace(/^@/, "") : null);
  switch (type) {
    case "following": {
      const a = acct(first);
      return a ? { type, acct: a, showReblogs: bool(second, true), notify: bool(cells[2], false) } : `"${first}" is not an account address (user@example.com)`;
    }
    case "mutes": {
      const a = acct(first);
      return a ? { type, acct: a, notifications: bool(second, true) } : `"${first}" is not an account address (user@example.com)`;
    }
    case "blocks": {
      const a = acct(first);
      return a ? { type, acct: a } : `"${first}" is not an account address (user@example.com)`;
    }
    case "lists": {
      const a = acct(second ?? "");
      if (!first) return "the list title is empty";
      return a ? { type, list: first, acct: a } : `"${second ?? ""}" is not an account address (user@example.com)`;
    }
    case "domain_blocks":
      return DOMAIN.test(first) ? { type, domain: first.toLowerCase() } : `"${first}" is not a domain`;
    case "bookmarks":
      return /^https?:\/\/\S+$/i.test(first) ? { type, uri: first } : `"${first}" is not a post's URL`;
  }
}
