import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Core } from "../../src/core.ts";
import { requireUser } from "../auth.ts";
import { requestParams } from "../nested-params.ts";
import { serializeAccount } from "../serializers/account.ts";
import { serializeMove } from "../serializers/move.ts";

// Kith's own endpoints for moving an account away (Mastodon has only its web
// settings for this): start a move, see how far it got, end the redirect.

const startBody = z.object({
  acct: z.string({ error: "acct is required: the new account's handle (user@example.com) or URL" }),
  password: z.string({ error: "password is required: your current password confirms the move" }),
});

async function migrationOf(core: Core, accountId: bigint) {
  const account = await core.accounts.get(accountId);
  const movedTo = account.movedToUri ? await core.accounts.findByUri(account.movedToUri) : null;
  return { moved_to: movedTo ? serializeAccount(core, movedTo) : null, moves: (await core.moves.history(accountId)).map((m) => serializeMove(core, m)) };
}

export function accountMigrationRoutes(app: FastifyInstance, core: Core) {
  app.get("/api/v1/accounts/migration", async (request) => {
    const me = await requireUser(core, request, "read:accounts");
    return migrationOf(core, me.id);
  });

  app.post("/api/v1/accounts/migration", async (request) => {
    const me = await requireUser(core, request, "write:accounts");
    const { acct, password } = startBody.parse(requestParams(request));
    return serializeMove(core, await core.moves.moveOut(me.id, acct, { password }));
  });

  app.delete("/api/v1/accounts/migration", async (request) => {
    const me = await requireUser(core, request, "write:accounts");
    await core.moves.cancelRedirect(me.id);
    return migrationOf(core, me.id);
  });
}
