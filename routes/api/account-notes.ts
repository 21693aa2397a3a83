import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Core } from "../../src/core.ts";
import { requireUser } from "../auth.ts";
import { requestParams } from "../nested-params.ts";
import { pathId } from "../params.ts";
import { relationshipOf } from "./relationships.ts";

/** No comment, or a blank one, removes the note (as on Mastodon). */
const noteBody = z.object({ comment: z.string({ error: "comment must be text" }).nullish() });

export function accountNoteRoutes(app: FastifyInstance, core: Core) {
  app.post("/api/v1/accounts/:id/note", async (request) => {
    const me = await requireUser(core, request, "write:accounts");
    const targetId = pathId(request);
    const body = noteBody.parse(requestParams(request));
    await core.accountNotes.set(me.id, targetId, body.comment ?? "");
    return relationshipOf(core, me.id, targetId);
  });
}
