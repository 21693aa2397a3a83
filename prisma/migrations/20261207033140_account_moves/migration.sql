-- AlterTable
ALTER TABLE "Account" ADD COLUMN     "movedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "AccountMove" (
    "id" BIGINT NOT NULL DEFAULT kith_id(),
    "originId" BIGINT NOT NULL,
    "targetId" BIGINT NOT NULL,
    "direction" TEXT NOT NULL,
    "cursor" BIGINT NOT NULL DEFAULT 0,
    "followersTotal" INTEGER NOT NULL DEFAULT 0,
    "followersFailed" INTEGER NOT NULL DEFAULT 0,
    "unsent" JSONB NOT NULL DEFAULT '[]',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "AccountMove_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AccountMove_originId_createdAt_idx" ON "AccountMove"("originId", "createdAt");

-- CreateIndex
CREATE INDEX "AccountMove_finishedAt_idx" ON "AccountMove"("finishedAt");

-- AddForeignKey
ALTER TABLE "AccountMove" ADD CONSTRAINT "AccountMove_originId_fkey" FOREIGN KEY ("originId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccountMove" ADD CONSTRAINT "AccountMove_targetId_fkey" FOREIGN KEY ("targetId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A follower hears of a move once, however often the job that tells them
-- runs (a Move carries no status, and NULLs never collide in the unique key
-- above); the inserts' ON CONFLICT DO NOTHING covers this index too.
CREATE UNIQUE INDEX "Notification_move_once" ON "Notification"("accountId", "fromAccountId") WHERE type = 'move';
