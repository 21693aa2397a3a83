import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serializeReport } from "../routes/serializers/report.ts";
import { startInProcess, type InProcess } from "./helpers/in-process.ts";

// Mastodon's Report entity: status_ids is always a list (its column is an
// array that defaults to empty); rule_ids is null unless rules were named.

let kith: InProcess;
beforeAll(async () => {
  kith = await startInProcess("report_entity");
}, 60_000);
afterAll(async () => kith?.destroy());

describe("the Report entity", () => {
  it("gives an empty status_ids list, and null rule_ids, for a report that names neither", async () => {
    const reporter = await kith.core.accounts.createLocal("rita");
    const target = await kith.core.accounts.createLocal("tom");
    const report = await kith.core.moderation.reports.file(reporter, { targetAccountId: target.id, statusIds: [], comment: "", forward: false, ruleIds: [] });
    expect(serializeReport(kith.core, report, target)).toMatchObject({ status_ids: [], rule_ids: null, category: "other" });
  });
});
