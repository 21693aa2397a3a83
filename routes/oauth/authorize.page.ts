import { escapeHtml } from "../../src/statuses/content.ts";

// The authorization page: plain HTML, no script, every value escaped.

const SCOPE_TEXT: Record<string, string> = {
  read: "read all your account's data",
  write: "change all your account's data",
  follow: "change who you follow, block and mute",
  push: "receive your push notifications",
  profile: "read your profile information only",
  "admin:read": "read all data on the server",
  "admin:write": "change all data on the server",
};

export function describeScope(scope: string): string {
  if (SCOPE_TEXT[scope]) return SCOPE_TEXT[scope];
  const parts = scope.split(":");
  const what = parts.at(-1)!.replace(/_/g, " ");
  if (parts[0] === "admin") return `${parts[1] === "read" ? "read" : "change"} ${what} of every user (moderation)`;
  return `${parts[0] === "read" ? "read" : "change"} your ${what}`;
}

const STYLE =
  "body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;color:#222}" +
  "label{display:block;margin:.75rem 0}input{display:block;width:100%;padding:.4rem;box-sizing:border-box}" +
  "button{padding:.5rem 1rem;margin:.75rem .5rem 0 0}.error{color:#a00}code{background:#eee;padding:0 .2rem}";

export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

export type AuthorizeView = {
  instance: string;
  appName: string;
  appWebsite: string | null;
  scopes: string[];
  /** The signed-in username, or null to show the sign-in fields. */
  username: string | null;
  login: string;
  error: string | null;
  /** Hidden fields: the request's parameters and the signed form token. */
  hidden: Record<string, string>;
  switchAccountUrl: string;
  /** For a signed-in browser: the sign-out button's token and the page to come back to. */
  signOut: { token: string; returnTo: string } | null;
};

export function authorizePage(v: AuthorizeView): string {
  const app = escapeHtml(v.appName);
  const website = v.appWebsite ? ` (<a href="${escapeHtml(v.appWebsite)}" rel="noopener noreferrer">${escapeHtml(v.appWebsite)}</a>)` : "";
  const scopes = v.scopes.map((s) => `<li><code>${escapeHtml(s)}</code>: ${escapeHtml(describeScope(s))}</li>`).join("");
  const hidden = Object.entries(v.hidden)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join("");
  const who = v.username
    ? `<p>Signed in as <strong>@${escapeHtml(v.username)}@${escapeHtml(v.instance)}</strong>. <a href="${escapeHtml(v.switchAccountUrl)}">Not you?</a></p>`
    : `<label>Username or e-mail address<input name="login" autocomplete="username" required value="${escapeHtml(v.login)}"></label>` +
      `<label>Password<input type="password" name="password" autocomplete="current-password" required></label>`;
  const error = v.error ? `<p class="error" role="alert">${escapeHtml(v.error)}</p>` : "";
  return page(
    `Authorize ${v.appName}`,
    `<h1>Authorize ${app}?</h1><p><strong>${app}</strong>${website} asks to use your account on ${escapeHtml(v.instance)}. It will be able to:</p><ul>${scopes}</ul>${error}` +
      `<form method="post" action="/oauth/authorize">${hidden}${who}<button type="submit" name="decision" value="approve">Authorize</button><button type="submit" name="decision" value="deny" formnovalidate>Deny</button></form>` +
      (v.signOut ? signOutForm(v.signOut) : ""),
  );
}

function signOutForm({ token, returnTo }: { token: string; returnTo: string }): string {
  return (
    `<form method="post" action="/auth/sign_out"><input type="hidden" name="sign_out_token" value="${escapeHtml(token)}">` +
    `<input type="hidden" name="return_to" value="${escapeHtml(returnTo)}"><button type="submit">Sign out</button></form>`
  );
}

export function errorPage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1><p class="error" role="alert">${escapeHtml(message)}</p>`);
}

/** For apps registered with urn:ietf:wg:oauth:2.0:oob: the user copies the code into the app. */
export function codePage(appName: string, code: string): string {
  return page("Authorization code", `<h1>Authorization code</h1><p>Copy this code and paste it into ${escapeHtml(appName)}:</p><p><input readonly id="code" value="${escapeHtml(code)}"></p>`);
}
