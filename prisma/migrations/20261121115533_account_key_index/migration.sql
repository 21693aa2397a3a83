-- CreateIndex
CREATE INDEX "Account_publicKeyId_idx" ON "Account"("publicKeyId");
