-- AlterTable
ALTER TABLE "MediaAttachment" ADD COLUMN     "previewHeight" INTEGER,
ADD COLUMN     "previewKey" TEXT,
ADD COLUMN     "previewWidth" INTEGER,
ADD COLUMN     "processing" TEXT NOT NULL DEFAULT 'complete';
