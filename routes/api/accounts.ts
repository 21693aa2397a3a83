import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Core } from "../../src/core.ts";
import { hasScope } from "../../src/auth/scopes.ts";
import { optionalUser, principalOf, requireUser } from "../auth.ts";
import { idList, linkHeader, pageOf, pathId } from "../params.ts";
import { serializeAccount, serializeAccountWithMove, serializeCredentialAccount } from "../serializers/account.ts";
import { serializeTimeline } from "../serializers/timeline.ts";
import { asArray, requestParams } from "../nested-params.ts";
import { MAX_PROFILE_FIELDS } from "../../src/accounts/account.service.ts";
import { takesFiles } from "../form-fields.ts";
import { accountPageOf, accountSearchQuery, accountStatusesQuery, followOptions } from "./account-queries.ts";
import { relationshipOf, relationshipsOf } from "./relationships.ts";
import { flag } from "../booleans.ts";

export function accountRoutes(app: FastifyInstance, core: Core) {
  app.get("/api/v1/accounts/verify_credentials", async (request) => {
    // Mastodon 4.3's `profile` scope is enough to learn who the token speaks for.
    const principal = await principalOf(core, request);
    const me = await requireUser(core, request, principal && hasScope(principal.scopes, "profile") ? "profile" : "read:accounts");
    const pending = await core.follows.pendingRequests(me.id, 40);
    const moved = me.movedToUri ? await core.accounts.findByUri(me.movedToUri) : null;
    return serializeCredentialAccount(core, me, pending.length, await core.moderation.accounts.roleOf(me.id), moved);
  });

  // An image file, or "" to remove it (Mastodon's `avatar=` with nothing).
  const image = z.union([z.instanceof(Buffer), z.literal("").transform(() => null)], { error: "must be an image file, or empty to remove it" });
  const field = z.object({ name: z.string().default(""), value: z.string().default("") });
  const profile = z.object({
    display_name: z.string().max(30, "display_name is limited to 30 characters").optional(),
    note: z.string().max(500, "note is limited to 500 characters").optional(),
    locked: flag,
    bot: flag,
    discoverable: flag,
    // Kith keeps one flag for search and discovery; indexable is taken and shown as discoverable.
    indexable: flag,
    avatar: image.optional(),
    header: image.optional(),
    fields_attributes: z.preprocess(asArray, z.array(field).max(MAX_PROFILE_FIELDS, `fields_attributes is limited to ${MAX_PROFILE_FIELDS} fields`)).optional(),
    // Posting defaults have no column yet: checked, then shown as the defaults.
    source: z
      .object({
        privacy: z.enum(["public", "unlisted", "private", "direct"]).optional(),
        sensitive: flag,
        language: z.string().regex(/^[a-z]{2,3}$/i, "source[language] must be an ISO 639 code").or(z.literal("")).optional(),
      })
      .optional(),
  });

  // masto.js sends profile updates as multipart/form-data, with the avatar and header as files.
  const images = takesFiles({ names: ["avatar", "header"], maxBytes: core.config.mediaMaxBytes }, core.config.maxBodyBytes);
  app.patch("/api/v1/accounts/update_credentials", images, async (request) => {
    const me = await requireUser(core, request, "write:accounts");
    const body = profile.parse(requestParams(request));
    const updated = await core.accounts.updateProfile(me.id, {
      displayName: body.display_name,
      note: body.note,
      locked: body.locked,
      bot: body.bot,
      discoverable: body.discoverable,
      fields: body.fields_attributes,
      avatar: body.avatar,
      header: body.header,
    });
    const pending = await core.follows.pendingRequests(me.id, 40);
    return serializeCredentialAccount(core, updated, pending.length, await core.moderation.accounts.roleOf(me.id));
  });

  app.get("/api/v1/accounts/lookup", async (request) => {
    await optionalUser(core, request, "read:accounts");
    const { acct } = z.object({ acct: z.string({ error: "acct is required" }).min(1, "acct is required") }).parse(request.query);
    return serializeAccountWithMove(core, await core.accounts.lookup(acct));
  });

  app.get("/api/v1/accounts/relationships", async (request) => {
    const me = await requireUser(core, request, "read:follows");
    return relationshipsOf(core, me.id, idList(request.query));
  });

  app.get("/api/v1/accounts/:id", async (request) => {
    await optionalUser(core, request, "read:accounts");
    return serializeAccountWithMove(core, await core.accounts.get(pathId(request)));
  });

  app.get("/api/v1/accounts/:id/statuses", async (request, reply) => {
    const viewer = await optionalUser(core, request, "read:statuses");
    const account = await core.accounts.get(pathId(request));
    // Pinned statuses (five at most) come in one page, without Link pagination.
    if (z.object({ pinned: flag }).parse(request.query ?? {}).pinned) {
      return serializeTimeline(core, await core.pins.pinned(account.id, viewer?.id ?? null), viewer?.id ?? null, "account");
    }
    const rows = await core.timelines.accountStatuses(account.id, pageOf(request), viewer?.id ?? null, accountStatusesQuery(request));
    linkHeader(reply, request, core.urls.origin, rows);
    return serializeTimeline(core, rows, viewer?.id ?? null, "account");
  });

  const relationshipAfter = (meId: bigint, targetId: bigint) => relationshipOf(core, meId, targetId);

  app.post("/api/v1/accounts/:id/follow", async (request) => {
    const me = await requireUser(core, request, "write:follows");
    const targetId = pathId(request);
    const options = followOptions.parse(requestParams(request));
    await core.follows.follow(me.id, targetId, { showReblogs: options.reblogs, notify: options.notify });
    return relationshipAfter(me.id, targetId);
  });

  app.post("/api/v1/accounts/:id/unfollow", async (request) => {
    const me = await requireUser(core, request, "write:follows");
    const target = await core.accounts.get(pathId(request));
    await core.follows.unfollow(me.id, target.id);
    return relationshipAfter(me.id, target.id);
  });

  app.post("/api/v1/accounts/:id/block", async (request) => {
    const me = await requireUser(core, request, "write:blocks");
    const targetId = pathId(request);
    await core.blocks.block(me, targetId);
    return relationshipAfter(me.id, targetId);
  });

  app.post("/api/v1/accounts/:id/unblock", async (request) => {
    const me = await requireUser(core, request, "write:blocks");
    const target = await core.accounts.get(pathId(request));
    await core.blocks.unblock(me, target.id);
    return relationshipAfter(me.id, target.id);
  });

  app.get("/api/v1/follow_requests", async (request) => {
    const me = await requireUser(core, request, "read:follows");
    const { limit, maxId } = { ...pageOf(request) };
    const rows = await core.follows.pendingRequests(me.id, limit, maxId);
    return rows.map((r) => serializeAccount(core, r.follower));
  });

  for (const action of ["authorize", "reject"] as const) {
    app.post(`/api/v1/follow_requests/:id/${action}`, async (request) => {
      const me = await requireUser(core, request, "write:follows");
      const requesterId = pathId(request);
      await (action === "authorize" ? core.follows.authorize(me.id, requesterId) : core.follows.rejectRequest(me.id, requesterId));
      return relationshipAfter(me.id, requesterId);
    });
  }

  app.get("/api/v1/accounts", async (request) => {
    await optionalUser(core, request, "read:accounts");
    const ids = idList(request.query);
    const found = new Map((await core.accounts.findByIds(ids)).map((a) => [a.id, a]));
    return ids.flatMap((id) => {
      const a = found.get(id);
      return a && !a.suspendedAt ? [serializeAccount(core, a)] : [];
    });
  });

  app.get("/api/v1/accounts/search", async (request) => {
    const me = await requireUser(core, request, "read:accounts");
    const q = accountSearchQuery.parse(request.query ?? {});
    const accounts = await core.search.searchAccounts(me.id, { q: q.q, limit: q.limit, offset: q.offset, following: q.following }, q.resolve);
    return accounts.map((a) => serializeAccount(core, a));
  });

  app.get("/api/v1/accounts/familiar_followers", async (request) => {
    const me = await requireUser(core, request, "read:follows");
    const rows = await core.follows.familiarFollowers(me.id, idList(request.query));
    return rows.map((r) => ({ id: String(r.id), accounts: r.accounts.map((a) => serializeAccount(core, a)) }));
  });

  for (const side of ["followers", "following"] as const) {
    app.get(`/api/v1/accounts/:id/${side}`, async (request, reply) => {
      const viewer = await optionalUser(core, request, "read:accounts");
      const account = await core.accounts.get(pathId(request));
      // An account that blocks the viewer shows them none of its connections, as on Mastodon.
      if (viewer && (await core.mutes.isBlockedBy(viewer.id, account.id))) return [];
      const rows = await core.follows.connections(side, account.id, accountPageOf(request));
      linkHeader(reply, request, core.urls.origin, rows);
      return rows.filter((r) => !r.account.suspendedAt).map((r) => serializeAccount(core, r.account));
    });
  }

  app.get("/api/v1/blocks", async (request, reply) => {
    const me = await requireUser(core, request, "read:blocks");
    const rows = await core.mutes.blockedPage(me.id, accountPageOf(request));
    linkHeader(reply, request, core.urls.origin, rows);
    return rows.map((b) => serializeAccount(core, b.target));
  });

  // Kith has no endorsements (featured accounts) yet: the list is always empty.
  app.get("/api/v1/endorsements", async (request) => {
    await requireUser(core, request, "read:accounts");
    return [];
  });
}
