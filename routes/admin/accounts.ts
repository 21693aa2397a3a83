import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Core } from "../../src/core.ts";
import { ACTION_TYPES } from "../../src/moderation/account-moderation.service.ts";
import type { AccountFilters } from "../../src/moderation/account-moderation.repository.ts";
import { linkHeader, pathId } from "../params.ts";
import { requireStaff } from "./guard.ts";
import { adminPageOf, idField } from "./params.ts";
import { serializeAdminAccount } from "./serializers.ts";
import { flag } from "../booleans.ts";
import { requestParams } from "../nested-params.ts";

// /api/v1/admin/accounts: Mastodon's admin account API.

const READ = "admin:read:accounts";
const WRITE = "admin:write:accounts";

const listQuery = z.object({
  local: flag,
  remote: flag,
  by_domain: z.string().trim().min(1).optional(),
  active: flag,
  pending: flag,
  disabled: flag,
  sensitized: flag,
  silenced: flag,
  suspended: flag,
  username: z.string().trim().min(1).optional(),
  display_name: z.string().trim().min(1).optional(),
  email: z.string().trim().min(1).optional(),
  staff: flag,
});

function filtersOf(q: z.infer<typeof listQuery>): AccountFilters {
  const status = (["pending", "disabled", "sensitized", "silenced", "suspended", "active"] as const).find((s) => q[s]);
  return {
    origin: q.local ? "local" : q.remote ? "remote" : undefined,
    byDomain: q.by_domain,
    status,
    username: q.username,
    displayName: q.display_name,
    email: q.email,
    staff: q.staff,
  };
}

const actionBody = z.object({
  type: z.enum(ACTION_TYPES, { message: `type must be one of ${ACTION_TYPES.join(", ")}` }),
  report_id: idField.optional(),
  text: z.string().max(5000).optional(),
  warning_preset_id: z.unknown().optional(),
  send_email_notification: flag,
});

export function adminAccountRoutes(app: FastifyInstance, core: Core) {
  const m = core.moderation.accounts;

  app.get("/api/v1/admin/accounts", async (request, reply) => {
    await requireStaff(core, request, READ, "manage_users");
    const filters = filtersOf(listQuery.parse(request.query ?? {}));
    const rows = await m.list(filters, adminPageOf(request));
    linkHeader(reply, request, core.urls.origin, rows);
    return rows.map((a) => serializeAdminAccount(core, a));
  });

  app.get("/api/v1/admin/accounts/:id", async (request) => {
    await requireStaff(core, request, READ, "manage_users");
    return serializeAdminAccount(core, await m.get(pathId(request)));
  });

  app.post("/api/v1/admin/accounts/:id/action", async (request) => {
    const staff = await requireStaff(core, request, WRITE, "manage_users");
    const id = pathId(request);
    await m.get(id);
    const body = actionBody.parse(requestParams(request));
    await m.act(staff.account.id, id, { type: body.type, reportId: body.report_id });
    return {};
  });

  const simple = {
    approve: (id: bigint) => m.approve(id),
    reject: (id: bigint) => m.reject(id),
    unsuspend: (id: bigint) => m.unsuspend(id),
    unsilence: (id: bigint) => m.unsilence(id),
    unsensitive: (id: bigint) => m.unsensitive(id),
    enable: (id: bigint) => m.enable(id),
  };
  for (const [name, run] of Object.entries(simple)) {
    app.post(`/api/v1/admin/accounts/:id/${name}`, async (request) => {
      await requireStaff(core, request, WRITE, "manage_users");
      const id = pathId(request);
      const before = await m.get(id);
      await run(id);
      // A rejected sign-up is deleted: answer with what it was.
      return serializeAdminAccount(core, name === "reject" ? before : await m.get(id));
    });
  }

  app.delete("/api/v1/admin/accounts/:id", async (request) => {
    await requireStaff(core, request, WRITE, "delete_user_data");
    return serializeAdminAccount(core, await m.delete(pathId(request)));
  });
}
