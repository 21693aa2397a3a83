import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Core } from "../../src/core.ts";
import { notFound } from "../../src/errors.ts";
import { optionalUser, requireUser } from "../auth.ts";
import { boolish, idList, linkHeader, pageOf, pathId } from "../params.ts";
import { serializeAccount, serializeCredentialAccount, serializeRelationship } from "../serializers/account.ts";
import { serializeStatuses } from "../serializers/status.ts";

export function accountRoutes(app: FastifyInstance, core: Core) {
  app.get("/api/v1/accounts/verify_credentials", async (request) => {
    const me = await requireUser(core, request, "read:accounts");
    const pending = await core.follows.pendingRequests(me.id, 40);
    return serializeCredentialAccount(core, me, pending.length);
  });

  const profile = z.object({
    display_name: z.string().max(30, "display_name is limited to 30 characters").optional(),
    note: z.string().max(500, "note is limited to 500 characters").optional(),
    locked: boolish.optional(),
    bot: boolish.optional(),
    discoverable: boolish.optional(),
  });

  app.patch("/api/v1/accounts/update_credentials", async (request) => {
    const me = await requireUser(core, request, "write:accounts");
    const body = profile.parse(request.body ?? {});
    const updated = await core.accounts.updateProfile(me.id, {
      displayName: body.display_name,
      note: body.note,
      locked: body.locked,
      bot: body.bot,
      discoverable: body.discoverable,
    });
    const pending = await core.follows.pendingRequests(me.id, 40);
    return serializeCredentialAccount(core, updated, pending.length);
  });

  app.get("/api/v1/accounts/lookup", async (request) => {
    const { acct } = z.object({ acct: z.string().min(1, "acct is required") }).parse(request.query);
    return serializeAccount(core, await core.accounts.lookup(acct));
  });

  app.get("/api/v1/accounts/relationships", async (request) => {
    const me = await requireUser(core, request, "read:follows");
    const rels = await core.follows.relationships(me.id, idList(request.query));
    return rels.map(serializeRelationship);
  });

  app.get("/api/v1/accounts/:id", async (request) => serializeAccount(core, await core.accounts.get(pathId(request))));

  app.get("/api/v1/accounts/:id/statuses", async (request, reply) => {
    const viewer = await optionalUser(core, request);
    const account = await core.accounts.get(pathId(request));
    const rows = await core.timelines.accountStatuses(account.id, pageOf(request), viewer?.id ?? null);
    linkHeader(reply, request, core.urls.origin, rows);
    return serializeStatuses(core, rows, viewer?.id ?? null);
  });

  const relationshipAfter = async (meId: bigint, targetId: bigint) => serializeRelationship((await core.follows.relationships(meId, [targetId]))[0]!);

  app.post("/api/v1/accounts/:id/follow", async (request) => {
    const me = await requireUser(core, request, "write:follows");
    const targetId = pathId(request);
    await core.follows.follow(me.id, targetId);
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
      if (!(await core.accounts.findById(requesterId))) throw notFound("Record");
      await (action === "authorize" ? core.follows.authorize(me.id, requesterId) : core.follows.reject(me.id, requesterId));
      return relationshipAfter(me.id, requesterId);
    });
  }
}
