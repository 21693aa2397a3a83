-- CreateTable
CREATE TABLE "AccountImport" (
    "id" BIGINT NOT NULL DEFAULT kith_id(),
    "accountId" BIGINT NOT NULL,
    "type" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "rows" JSONB NOT NULL,
    "total" INTEGER NOT NULL,
    "processed" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "errors" JSONB NOT NULL DEFAULT '[]',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "AccountImport_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AccountImport_accountId_id_idx" ON "AccountImport"("accountId", "id");

-- AddForeignKey
ALTER TABLE "AccountImport" ADD CONSTRAINT "AccountImport_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;
