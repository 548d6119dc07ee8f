-- AlterTable
ALTER TABLE "ingestion_run" ADD COLUMN     "rows_parsed" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "warning" TEXT;

-- CreateTable
CREATE TABLE "source_lease" (
    "source_id" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "acquired_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "source_lease_pkey" PRIMARY KEY ("source_id")
);

-- CreateTable
CREATE TABLE "http_cache" (
    "url" TEXT NOT NULL,
    "etag" TEXT,
    "last_modified" TEXT,
    "snapshot_sha256" TEXT NOT NULL,
    "checked_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "http_cache_pkey" PRIMARY KEY ("url")
);

