import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Core } from "../../src/core.ts";
import { MAX_COMMENT, REPORT_CATEGORIES } from "../../src/moderation/report.service.ts";
import { idField } from "../admin/params.ts";
import { requireUser } from "../auth.ts";
import { requestParams } from "../nested-params.ts";
import { serializeReport } from "../serializers/report.ts";
import { flagOr } from "../booleans.ts";

// POST /api/v1/reports: a local user reports an account, and may ask for the
// report to be forwarded (as a Flag) to that account's server.

const idList = z.preprocess((v) => (v === undefined || v === null || v === "" ? [] : Array.isArray(v) ? v : [v]), z.array(idField).max(100, "at most 100 ids"));

const reportBody = z.object({
  account_id: idField,
  status_ids: idList,
  rule_ids: idList,
  comment: z.string().max(MAX_COMMENT, `comment is limited to ${MAX_COMMENT} characters`).default(""),
  forward: flagOr(false),
  forward_to_domains: z.unknown().optional(),
  category: z.enum(REPORT_CATEGORIES, { message: `category must be one of ${REPORT_CATEGORIES.join(", ")}` }).optional(),
});

export function reportRoutes(app: FastifyInstance, core: Core) {
  app.post("/api/v1/reports", async (request) => {
    const me = await requireUser(core, request, "write:reports");
    const body = reportBody.parse(requestParams(request));
    const report = await core.moderation.reports.file(me, {
      targetAccountId: body.account_id,
      statusIds: body.status_ids,
      ruleIds: body.rule_ids,
      comment: body.comment,
      forward: body.forward,
      category: body.category,
    });
    return serializeReport(core, report, await core.accounts.get(report.targetAccountId));
  });
}
