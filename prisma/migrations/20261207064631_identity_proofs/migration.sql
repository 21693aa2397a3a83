-- CreateTable
CREATE TABLE "IdentityProof" (
    "id" BIGINT NOT NULL DEFAULT kith_id(),
    "accountId" BIGINT NOT NULL,
    "subject" TEXT NOT NULL,
    "statement" JSONB NOT NULL,
    "keyBackup" TEXT,
    "verifiedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IdentityProof_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "IdentityProof_subject_idx" ON "IdentityProof"("subject");

-- CreateIndex
CREATE UNIQUE INDEX "IdentityProof_accountId_subject_key" ON "IdentityProof"("accountId", "subject");

-- AddForeignKey
ALTER TABLE "IdentityProof" ADD CONSTRAINT "IdentityProof_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;
