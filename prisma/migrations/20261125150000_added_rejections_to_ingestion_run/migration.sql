-- AlterTable
ALTER TABLE "ingestion_run" ADD COLUMN     "rejections" JSONB;
