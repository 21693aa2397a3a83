-- AlterTable
ALTER TABLE "Notification" ADD COLUMN     "reportId" BIGINT;

-- Existing admin.report notifications learn their report: the reporter's
-- latest one filed before the notification (a report notifies right after it is filed).
UPDATE "Notification" n SET "reportId" = (
  SELECT r."id" FROM "Report" r
  WHERE r."accountId" = n."fromAccountId" AND r."createdAt" <= n."createdAt"
  ORDER BY r."createdAt" DESC, r."id" DESC
  LIMIT 1
) WHERE n."type" = 'admin.report';

-- One notification per moderator and report: the first is kept; one with no
-- report left could never show it.
DELETE FROM "Notification" n USING "Notification" earlier
WHERE n."type" = 'admin.report' AND earlier."type" = 'admin.report'
  AND n."reportId" = earlier."reportId" AND n."accountId" = earlier."accountId" AND earlier."id" < n."id";
DELETE FROM "Notification" WHERE "type" = 'admin.report' AND "reportId" IS NULL;

-- CreateIndex
CREATE UNIQUE INDEX "Notification_reportId_accountId_key" ON "Notification"("reportId", "accountId");

-- AddForeignKey
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_reportId_fkey" FOREIGN KEY ("reportId") REFERENCES "Report"("id") ON DELETE CASCADE ON UPDATE CASCADE;
