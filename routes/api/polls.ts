import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Core } from "../../src/core.ts";
import { optionalUser, requireUser } from "../auth.ts";
import { asArray, requestParams } from "../nested-params.ts";
import { pathId } from "../params.ts";
import { serializePoll } from "../serializers/poll.ts";

const voteBody = z.object({
  choices: z.preprocess(
    (v) => asArray(v),
    z.array(z.coerce.number({ message: "choices must be option indexes" }).int("choices must be option indexes"), { message: "choices are required" }).min(1, "choices can't be blank").max(50),
  ),
});

export function pollRoutes(app: FastifyInstance, core: Core) {
  app.get("/api/v1/polls/:id", async (request) => {
    const viewer = await optionalUser(core, request, "read:statuses");
    const { poll, status } = await core.polls.get(pathId(request), viewer?.id ?? null);
    const own = viewer ? ((await core.polls.ownVotesAmong(viewer.id, [poll.id])).get(poll.id) ?? []) : [];
    return serializePoll(poll, viewer ? { id: viewer.id, own } : null, status.accountId);
  });

  app.post("/api/v1/polls/:id/votes", async (request) => {
    const me = await requireUser(core, request, "write:statuses");
    const id = pathId(request);
    const { choices } = voteBody.parse(requestParams(request));
    const poll = await core.polls.vote(me, id, choices);
    const { status } = await core.polls.get(poll.id, me.id);
    const own = (await core.polls.ownVotesAmong(me.id, [poll.id])).get(poll.id) ?? [];
    return serializePoll(poll, { id: me.id, own }, status.accountId);
  });
}
