import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Core } from "../../src/core.ts";
import { linkHeader, pathId } from "../params.ts";
import { requireStaff } from "./guard.ts";
import { adminPageOf, idField } from "./params.ts";
import { serializeAdminReports } from "./serializers.ts";
import { flag } from "../booleans.ts";

// /api/v1/admin/reports: Mastodon's admin report API.

const READ = "admin:read:reports";
const WRITE = "admin:write:reports";

const listQuery = z.object({
  resolved: flag,
  account_id: idField.optional(),
  target_account_id: idField.optional(),
});

export function adminReportRoutes(app: FastifyInstance, core: Core) {
  const reports = core.moderation.reports;
  const one = async (id: bigint) => (await serializeAdminReports(core, [await reports.get(id)]))[0];

  app.get("/api/v1/admin/reports", async (request, reply) => {
    await requireStaff(core, request, READ, "manage_reports");
    const q = listQuery.parse(request.query ?? {});
    // Mastodon lists open reports unless asked for resolved ones.
    const rows = await reports.list({ resolved: q.resolved ?? false, accountId: q.account_id, targetAccountId: q.target_account_id }, adminPageOf(request));
    linkHeader(reply, request, core.urls.origin, rows);
    return serializeAdminReports(core, rows);
  });

  app.get("/api/v1/admin/reports/:id", async (request) => {
    await requireStaff(core, request, READ, "manage_reports");
    return one(pathId(request));
  });

  const actions = {
    assign_to_self: (moderatorId: bigint, id: bigint) => reports.assignToSelf(moderatorId, id),
    unassign: (_: bigint, id: bigint) => reports.unassign(id),
    resolve: (moderatorId: bigint, id: bigint) => reports.resolve(moderatorId, id),
    reopen: (_: bigint, id: bigint) => reports.reopen(id),
  };
  for (const [name, run] of Object.entries(actions)) {
    app.post(`/api/v1/admin/reports/:id/${name}`, async (request) => {
      const staff = await requireStaff(core, request, WRITE, "manage_reports");
      const id = pathId(request);
      await run(staff.account.id, id);
      return one(id);
    });
  }
}
