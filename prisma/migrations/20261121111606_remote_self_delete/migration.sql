-- AlterTable
ALTER TABLE "Account" ADD COLUMN     "deletedByOriginAt" TIMESTAMP(3);
