import type { FastifyInstance } from "fastify";
import type { Core } from "../../src/core.ts";
import { requireUser } from "../auth.ts";
import { linkHeader, pageOf, pathId } from "../params.ts";
import { serializeConversations } from "../serializers/conversation.ts";

export function conversationRoutes(app: FastifyInstance, core: Core) {
  app.get("/api/v1/conversations", async (request, reply) => {
    const me = await requireUser(core, request, "read:statuses");
    const rows = await core.conversations.page(me.id, pageOf(request));
    // Pages are keyed by each conversation's last status, as on Mastodon.
    linkHeader(reply, request, core.urls.origin, rows.map((r) => ({ id: r.lastStatusId! })));
    return serializeConversations(core, rows, me);
  });

  app.post("/api/v1/conversations/:id/read", async (request) => {
    const me = await requireUser(core, request, "write:conversations");
    const row = await core.conversations.markRead(me.id, pathId(request));
    return (await serializeConversations(core, [row], me))[0];
  });

  app.delete("/api/v1/conversations/:id", async (request) => {
    const me = await requireUser(core, request, "write:conversations");
    await core.conversations.remove(me.id, pathId(request));
    return {};
  });
}
