-- CreateTable
CREATE TABLE "AccountMoveReminder" (
    "moveId" BIGINT NOT NULL,
    "inbox" TEXT NOT NULL,
    "sentAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AccountMoveReminder_pkey" PRIMARY KEY ("moveId","inbox")
);

-- AddForeignKey
ALTER TABLE "AccountMoveReminder" ADD CONSTRAINT "AccountMoveReminder_moveId_fkey" FOREIGN KEY ("moveId") REFERENCES "AccountMove"("id") ON DELETE CASCADE ON UPDATE CASCADE;
