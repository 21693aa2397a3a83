-- CreateTable
CREATE TABLE "TagFollow" (
    "id" BIGINT NOT NULL,
    "accountId" BIGINT NOT NULL,
    "tagId" BIGINT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TagFollow_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AccountNote" (
    "id" BIGINT NOT NULL,
    "accountId" BIGINT NOT NULL,
    "targetId" BIGINT NOT NULL,
    "comment" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AccountNote_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AccountDomainBlock" (
    "id" BIGINT NOT NULL,
    "accountId" BIGINT NOT NULL,
    "domain" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AccountDomainBlock_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SuggestionDismissal" (
    "accountId" BIGINT NOT NULL,
    "targetId" BIGINT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SuggestionDismissal_pkey" PRIMARY KEY ("accountId","targetId")
);

-- CreateIndex
CREATE INDEX "TagFollow_tagId_idx" ON "TagFollow"("tagId");

-- CreateIndex
CREATE UNIQUE INDEX "TagFollow_accountId_tagId_key" ON "TagFollow"("accountId", "tagId");

-- CreateIndex
CREATE INDEX "AccountNote_targetId_idx" ON "AccountNote"("targetId");

-- CreateIndex
CREATE UNIQUE INDEX "AccountNote_accountId_targetId_key" ON "AccountNote"("accountId", "targetId");

-- CreateIndex
CREATE UNIQUE INDEX "AccountDomainBlock_accountId_domain_key" ON "AccountDomainBlock"("accountId", "domain");

-- CreateIndex
CREATE INDEX "SuggestionDismissal_targetId_idx" ON "SuggestionDismissal"("targetId");

-- AddForeignKey
ALTER TABLE "TagFollow" ADD CONSTRAINT "TagFollow_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TagFollow" ADD CONSTRAINT "TagFollow_tagId_fkey" FOREIGN KEY ("tagId") REFERENCES "Tag"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccountNote" ADD CONSTRAINT "AccountNote_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccountNote" ADD CONSTRAINT "AccountNote_targetId_fkey" FOREIGN KEY ("targetId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccountDomainBlock" ADD CONSTRAINT "AccountDomainBlock_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SuggestionDismissal" ADD CONSTRAINT "SuggestionDismissal_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SuggestionDismissal" ADD CONSTRAINT "SuggestionDismissal_targetId_fkey" FOREIGN KEY ("targetId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;
