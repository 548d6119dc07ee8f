-- AlterEnum
ALTER TYPE "RunStatus" ADD VALUE 'abandoned';

-- AlterTable
ALTER TABLE "ingestion_run" ADD COLUMN     "holder" TEXT;

-- AlterTable
ALTER TABLE "source_lease" ADD COLUMN     "heartbeat_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- AlterTable
ALTER TABLE "tower_import" ADD COLUMN     "holder" TEXT;
