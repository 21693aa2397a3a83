import { generatePassword } from "../auth/password.ts";
import { parseScopes } from "../auth/scopes.ts";
import { passwordProblem } from "../auth/sign-in.service.ts";
import type { Core } from "../core.ts";
import { unprocessable } from "../errors.ts";
import type { AccountWithUser } from "../moderation/account-moderation.repository.ts";
import { isRole, ROLES } from "../moderation/roles.ts";
import { readFile, writeFile } from "node:fs/promises";
import { basename } from "node:path";
import { CSV_FILE_NAMES, CSV_TYPES, isCsvType, type CsvType } from "../portability/csv-formats.ts";
import { parse, positional, UsageError, type Subcommands } from "./admin.ts";

// kith accounts create|password|list|approve|suspend|unsuspend|role|token|alias|move|export|import.

export const ACCOUNTS_USAGE = `  kith accounts create <username> [--locked] [--password <password>]
                                            create a local account; prints JSON with an access token,
                                            and the password it made when none was given
  kith accounts password <username> [--password <password>]
                                            set a local account's password (prints the one it made when none is given)
  kith accounts list [--pending] [--role ${ROLES.join("|")}]
                                            the local accounts, newest first
  kith accounts approve <username>          approve a pending sign-up
  kith accounts suspend <username> [--reason <text>]
                                            suspend a local account (its followers' servers get a Delete)
  kith accounts unsuspend <username>        lift a suspension (followers' servers get an Update)
  kith accounts role <username> <${ROLES.join("|")}>
                                            give a local user a role
  kith accounts token <username> [--scopes "read write follow admin:read admin:write"]
                                            issue an access token (for scripts and the admin API)
  kith accounts alias list <username>
  kith accounts alias add|remove <username> <handle-or-url>
                                            the accounts <username> also is (alsoKnownAs, which a Move
                                            to it needs); followers' servers get an Update
  kith accounts move <username> <handle-or-url>
                                            move <username> to the account named (which must list it as an
                                            alias): followers' servers get a Move, local followers follow
                                            the new account; the operator needs no password
  kith accounts export <username> <file> [--type ${CSV_TYPES.join("|")}]
  kith accounts import <username> <file> [--type ...] [--overwrite]
                                            Mastodon's CSV files (following_accounts.csv, lists.csv,
                                            blocked_accounts.csv, muted_accounts.csv, blocked_domains.csv,
                                            bookmarks.csv: the name gives the type); an import runs as a job`;

const ALIAS_ACTIONS = ["list", "add", "remove"] as const;
const isAliasAction = (action: string): action is (typeof ALIAS_ACTIONS)[number] => (ALIAS_ACTIONS as readonly string[]).includes(action);

function accountJson(a: AccountWithUser) {
  return {
    id: a.id,
    username: a.username,
    role: a.user?.role ?? "user",
    created_at: a.createdAt,
    approved: a.user?.approved ?? true,
    suspended: a.suspendedAt !== null,
    suspended_at: a.suspendedAt,
    silenced: a.silencedAt !== null,
    disabled: Boolean(a.user?.disabledAt),
  };
}

/** A password the account may use: a refused one changes nothing (exit 1). */
function usable(password: string): string {
  const problem = passwordProblem(password);
  if (problem) throw unprocessable(problem);
  return password;
}

/** A command whose one argument is a local username; prints the account as `act` leaves it. */
function onUser(args: string[], act: (core: Core, account: AccountWithUser) => Promise<AccountWithUser>) {
  const [username] = positional(parse(args, {}).positionals, ["<username>"]);
  return async (core: Core) => accountJson(await act(core, await core.moderation.accounts.getLocal(username!)));
}

export const accountsCommands: Subcommands = {
  create(args) {
    const { positionals, values } = parse(args, { locked: { type: "boolean", default: false }, password: { type: "string" } });
    const [username] = positional(positionals, ["<username>"]);
    return async (core: Core, config) => {
      // Checked before the account exists: a refused password leaves nothing behind.
      const password = values.password === undefined ? generatePassword() : usable(values.password);
      const account = await core.accounts.createLocal(username!, { locked: values.locked });
      await core.signIn.setPassword(account.id, password);
      const token = await core.tokens.issue(account.id);
      return {
        id: account.id,
        username: account.username,
        acct: `${account.username}@${config.domain}`,
        url: account.uri,
        access_token: token,
        scopes: "read write follow",
        // Printed only when Kith made it: the operator hands it on, as tootctl does.
        ...(values.password === undefined ? { password } : {}),
      };
    };
  },

  password(args) {
    const { positionals, values } = parse(args, { password: { type: "string" } });
    const [username] = positional(positionals, ["<username>"]);
    return async (core: Core) => {
      const password = values.password === undefined ? generatePassword() : usable(values.password);
      const account = await core.moderation.accounts.getLocal(username!);
      await core.signIn.setPassword(account.id, password);
      return { id: account.id, username: account.username, ...(values.password === undefined ? { password } : {}) };
    };
  },

  list(args) {
    const { positionals, values } = parse(args, { pending: { type: "boolean", default: false }, role: { type: "string" } });
    positional(positionals, []);
    const role = values.role;
    if (role !== undefined && !isRole(role)) throw new UsageError(`--role must be one of ${ROLES.join(", ")}`);
    return async (core: Core) => {
      const accounts = await core.moderation.accounts.all({ origin: "local", ...(values.pending ? { status: "pending" } : {}), ...(role ? { role } : {}) });
      return accounts.map((a) => ({ ...accountJson(a), email: a.user?.email ?? null, reason: a.user?.reason ?? null }));
    };
  },

  approve: (args) => onUser(args, (core, account) => core.moderation.accounts.approve(account.id)),

  suspend(args) {
    const { positionals, values } = parse(args, { reason: { type: "string" } });
    const [username] = positional(positionals, ["<username>"]);
    return async (core: Core) => {
      const m = core.moderation.accounts;
      const account = await m.getLocal(username!);
      await m.act(null, account.id, { type: "suspend" });
      // Kith keeps no account warnings yet: the reason is echoed, not stored.
      return { ...accountJson(await m.get(account.id)), reason: values.reason ?? null };
    };
  },

  unsuspend: (args) => onUser(args, (core, account) => core.moderation.accounts.unsuspend(account.id)),

  role(args) {
    const [username, role] = positional(parse(args, {}).positionals, ["<username>", `<${ROLES.join("|")}>`]);
    if (!isRole(role!)) throw new UsageError(`role must be one of ${ROLES.join(", ")}`);
    return async (core: Core) => {
      const m = core.moderation.accounts;
      const account = await m.getLocal(username!);
      return accountJson(await m.setRole(null, account.id, role));
    };
  },

  token(args) {
    const { positionals, values } = parse(args, { scopes: { type: "string" } });
    const [username] = positional(positionals, ["<username>"]);
    const parsed = parseScopes(values.scopes ?? "read write follow");
    if ("unknown" in parsed) throw new UsageError(`unknown scope ${parsed.unknown}`);
    if (!parsed.scopes.length) throw new UsageError("--scopes names no scope");
    return async (core: Core) => {
      const account = await core.moderation.accounts.getLocal(username!);
      if (account.suspendedAt) throw unprocessable(`${username} is suspended`);
      return { id: account.id, username: account.username, access_token: await core.tokens.issue(account.id, parsed.scopes), scopes: parsed.scopes.join(" ") };
    };
  },

  alias(args) {
    const { positionals } = parse(args, {});
    const action = positionals[0];
    if (action === undefined) throw new UsageError(`missing ${ALIAS_ACTIONS.join("|")}`);
    if (!isAliasAction(action)) throw new UsageError(`unknown action ${action} (${ALIAS_ACTIONS.join(", ")})`);
    const [, username, target] = positional(positionals, [action, "<username>", ...(action === "list" ? [] : ["<handle-or-url>"])]);
    return async (core: Core) => {
      const account = await core.moderation.accounts.getLocal(username!);
      const aliases = action === "list" ? await core.aliases.list(account.id) : await core.aliases[action](account.id, target!);
      return { id: account.id, username: account.username, aliases };
    };
  },

  move(args) {
    const [username, target] = positional(parse(args, {}).positionals, ["<username>", "<handle-or-url>"]);
    return async (core: Core) => {
      const account = await core.moderation.accounts.getLocal(username!);
      const move = await core.moves.moveOut(account.id, target!, "operator");
      return { id: move.id, username: account.username, moved_to: move.target.uri, started_at: move.createdAt, followers_pending: move.followersPending };
    };
  },

  export(args) {
    const { positionals, values } = parse(args, { type: { type: "string" } });
    const [username, file] = positional(positionals, ["<username>", "<file>"]);
    const type = csvTypeOf(file!, values.type);
    return async (core: Core) => {
      const account = await core.moderation.accounts.getLocal(username!);
      const csv = await core.csv.exportCsv(account.id, type);
      await writeFile(file!, csv);
      return { id: account.id, username: account.username, type, file, rows: csv ? csv.trimEnd().split("\n").length : 0 };
    };
  },

  import(args) {
    const { positionals, values } = parse(args, { type: { type: "string" }, overwrite: { type: "boolean" } });
    const [username, file] = positional(positionals, ["<username>", "<file>"]);
    const type = csvTypeOf(file!, values.type);
    return async (core: Core) => {
      const account = await core.moderation.accounts.getLocal(username!);
      const text = await readFile(file!, "utf8").catch((error: NodeJS.ErrnoException) => {
        throw unprocessable(`cannot read ${file}: ${error.code === "ENOENT" ? "no such file" : error.message}`);
      });
      const started = await core.csv.startImport(account, type, values.overwrite ? "overwrite" : "merge", text);
      return { id: started.id, username: account.username, type, mode: started.mode, total_items: started.total, failed_items: started.failed, errors: started.errors };
    };
  },
};

/** The CSV type named by --type, or else by Mastodon's name for the file. */
function csvTypeOf(file: string, option: string | undefined): CsvType {
  if (option !== undefined) {
    if (!isCsvType(option)) throw new UsageError(`--type must be one of ${CSV_TYPES.join(", ")}`);
    return option;
  }
  const byName = CSV_TYPES.find((t) => CSV_FILE_NAMES[t] === basename(file));
  if (!byName) throw new UsageError(`cannot tell the kind of ${basename(file)} from its name; name it as Mastodon does (${Object.values(CSV_FILE_NAMES).join(", ")}) or give --type`);
  return byName;
}
