import { isActor } from "@fedify/vocab";
import type { Context } from "@fedify/fedify";
import type { RemoteActorData, RemoteDirectory } from "../src/accounts/account.types.ts";
import type { Core } from "../src/core.ts";
import { INSTANCE_ACTOR } from "../src/accounts/account.service.ts";
import { actorToData } from "./mapping/actor.ts";
import { safeFetch } from "./ssrf.ts";

// The core's window on other servers: WebFinger and actor documents, fetched
// through Fedify's document loader (which refuses private addresses unless
// the operator allowed them).

export class FederationDirectory implements RemoteDirectory {
  private readonly context: () => Context<Core>;
  private readonly allowPrivate: boolean;

  constructor(context: () => Context<Core>, allowPrivate: boolean) {
    this.context = context;
    this.allowPrivate = allowPrivate;
  }

  async fetchActor(uri: string): Promise<RemoteActorData | null> {
    const ctx = this.context();
    // Signed by the instance actor: GoToSocial and Mastodon in secure mode refuse unsigned fetches.
    const documentLoader = await ctx.getDocumentLoader({ identifier: INSTANCE_ACTOR });
    const object = await ctx.lookupObject(uri, { documentLoader });
    if (!isActor(object) || !object.id || new URL(object.id).origin !== new URL(uri).origin) return null;
    return actorToData(object);
  }

  async resolveHandle(username: string, host: string): Promise<RemoteActorData | null> {
    const href = await this.webfinger(username, host);
    if (!href) return null;
    const data = await this.fetchActor(href);
    // The handle is the WebFinger one, even when the actor lives on another host.
    return data ? { ...data, domain: host } : null;
  }

  /** WebFinger over https; plain http only where private addresses are allowed (local federation). */
  private async webfinger(username: string, host: string): Promise<string | null> {
    const schemes = this.allowPrivate ? ["https", "http"] : ["https"];
    for (const scheme of schemes) {
      const url = new URL(`${scheme}://${host}/.well-known/webfinger`);
      url.searchParams.set("resource", `acct:${username}@${host}`);
      let res: Response;
      try {
        res = await safeFetch(url, { headers: { accept: "application/jrd+json, application/json" } }, this.allowPrivate);
      } catch {
        continue;
      }
      if (!res.ok) return null;
      const jrd = (await res.json().catch(() => null)) as { links?: { rel?: string; type?: string; href?: string }[] } | null;
      const self = jrd?.links?.find((l) => l.rel === "self" && /activity\+json|ld\+json/.test(l.type ?? "") && l.href);
      return self?.href ?? null;
    }
    return null;
  }
}
