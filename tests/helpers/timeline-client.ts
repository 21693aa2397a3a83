import type { InProcess } from "./in-process.ts";

// For the timeline, list, filter, notification, conversation, account and
// search suites: the client API of an in-process Kith through app.inject()
// (JSON bodies, or form bodies as apps send them), and accounts and posts
// to read.

export type Reply<T = any> = { status: number; body: T; headers: Record<string, unknown> };

export type Call = <T = any>(method: string, url: string, options?: { token?: string | null; body?: unknown; form?: string }) => Promise<Reply<T>>;

export function clientOf(kith: InProcess): Call {
  return async (method, url, options = {}) => {
    const res = await kith.app!.inject({
      method: method as "GET",
      url,
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.form !== undefined ? { "content-type": "application/x-www-form-urlencoded" } : options.body !== undefined ? { "content-type": "application/json" } : {}),
      },
      payload: options.form ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    });
    let body: unknown = res.body;
    try {
      body = res.body ? JSON.parse(res.body) : null;
    } catch {
      /* not JSON */
    }
    return { status: res.statusCode, body: body as any, headers: res.headers };
  };
}

/** A local account with a full-scope token, and a `narrow` token with only the scopes given. */
export async function localUser(kith: InProcess, username: string, narrowScopes = ["read:accounts"]) {
  const account = await kith.core.accounts.createLocal(username);
  return {
    account,
    id: String(account.id),
    token: await kith.core.tokens.issue(account.id),
    narrow: await kith.core.tokens.issue(account.id, narrowScopes),
  };
}

export type LocalUser = Awaited<ReturnType<typeof localUser>>;

/** A remote account as if learnt from its server, without any network. */
export async function remoteUser(kith: InProcess, username: string, host = "remote.example", displayName = username) {
  return kith.core.accounts.upsertRemote({
    uri: `https://${host}/users/${username}`,
    username,
    domain: host,
    url: `https://${host}/@${username}`,
    actorType: "Person",
    displayName,
    note: "",
    avatarUrl: null,
    headerUrl: null,
    locked: false,
    bot: false,
    discoverable: true,
    fields: [],
    inboxUrl: `https://${host}/users/${username}/inbox`,
    sharedInboxUrl: `https://${host}/inbox`,
    outboxUrl: null,
    followersUrl: `https://${host}/users/${username}/followers`,
    followingUrl: null,
    featuredUrl: null,
    publicKeyPem: null,
    publicKeyId: null,
    movedToUri: null,
    alsoKnownAs: [],
  });
}

let remoteSeq = 0;

/** A post by a remote account, stored as if its Create had arrived. */
export async function remotePost(
  kith: InProcess,
  author: Awaited<ReturnType<typeof remoteUser>>,
  content: string,
  extra: { visibility?: "public" | "unlisted" | "private" | "direct"; tags?: string[]; mentionUris?: string[]; inReplyToUri?: string | null; withImage?: boolean } = {},
) {
  const uri = `${author.uri}/statuses/${Date.now()}${remoteSeq++}`;
  const status = await kith.core.statuses.storeRemote(author, {
    uri,
    url: uri,
    content: `<p>${content}</p>`,
    spoilerText: "",
    sensitive: false,
    visibility: extra.visibility ?? "public",
    language: "en",
    inReplyToUri: extra.inReplyToUri ?? null,
    mentionUris: extra.mentionUris ?? [],
    tags: extra.tags ?? [],
    attachments: extra.withImage
      ? [{ type: "image", url: `https://${author.domain}/media/${remoteSeq}.png`, mediaType: "image/png", description: "a picture", blurhash: null, width: 10, height: 10 }]
      : [],
    published: new Date(),
    updated: null,
  });
  return status!;
}

/** Posts through the API and runs its fan-out to completion (fan-out is idempotent), so a test may assert absence. */
export function poster(kith: InProcess, call: Call) {
  return async (who: { token: string }, status: string, extra: Record<string, unknown> = {}) => {
    const res = await call("POST", "/api/v1/statuses", { token: who.token, body: { status, ...extra } });
    if (res.status !== 200) throw new Error(`posting failed: ${res.status} ${JSON.stringify(res.body)}`);
    await kith.core.timelines.fanout(BigInt(res.body.id));
    return res.body.id as string;
  };
}
