-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "MarketKind" AS ENUM ('city', 'region');

-- CreateEnum
CREATE TYPE "CommodityCategory" AS ENUM ('food', 'fuel', 'currency');

-- CreateEnum
CREATE TYPE "ObservationFlag" AS ENUM ('observed', 'aggregated', 'imputed');

-- CreateEnum
CREATE TYPE "RunTrigger" AS ENUM ('cron', 'cli', 'api', 'startup');

-- CreateEnum
CREATE TYPE "RunStatus" AS ENUM ('running', 'succeeded', 'failed', 'partial');

-- CreateTable
CREATE TABLE "source" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "home_url" TEXT NOT NULL,
    "credit" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "source_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "market" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "name_ko" TEXT,
    "province" TEXT,
    "latitude" DOUBLE PRECISION,
    "longitude" DOUBLE PRECISION,
    "kind" "MarketKind" NOT NULL,

    CONSTRAINT "market_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "commodity" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "category" "CommodityCategory" NOT NULL,
    "default_unit" TEXT NOT NULL,
    "default_currency" TEXT NOT NULL DEFAULT 'KPW',

    CONSTRAINT "commodity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "observation" (
    "id" BIGSERIAL NOT NULL,
    "source_id" TEXT NOT NULL,
    "market_id" TEXT NOT NULL,
    "commodity_id" TEXT NOT NULL,
    "survey_date" DATE NOT NULL,
    "period_start" DATE,
    "period_end" DATE,
    "value" DOUBLE PRECISION NOT NULL,
    "unit" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "raw_value" TEXT NOT NULL,
    "source_url" TEXT NOT NULL,
    "fetched_at" TIMESTAMPTZ(3) NOT NULL,
    "parser_version" TEXT NOT NULL,
    "flag" "ObservationFlag" NOT NULL DEFAULT 'observed',
    "quality_notes" TEXT,
    "run_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "observation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "observation_revision" (
    "id" BIGSERIAL NOT NULL,
    "observation_id" BIGINT NOT NULL,
    "previous_value" DOUBLE PRECISION NOT NULL,
    "previous_raw_value" TEXT NOT NULL,
    "previous_fetched_at" TIMESTAMPTZ(3) NOT NULL,
    "new_value" DOUBLE PRECISION NOT NULL,
    "changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "run_id" INTEGER,

    CONSTRAINT "observation_revision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ingestion_run" (
    "id" SERIAL NOT NULL,
    "source_id" TEXT NOT NULL,
    "trigger" "RunTrigger" NOT NULL,
    "mode" TEXT NOT NULL DEFAULT 'live',
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "status" "RunStatus" NOT NULL DEFAULT 'running',
    "rows_inserted" INTEGER NOT NULL DEFAULT 0,
    "rows_updated" INTEGER NOT NULL DEFAULT 0,
    "rows_unchanged" INTEGER NOT NULL DEFAULT 0,
    "rows_rejected" INTEGER NOT NULL DEFAULT 0,
    "error_kind" TEXT,
    "error_message" TEXT,

    CONSTRAINT "ingestion_run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "raw_snapshot" (
    "sha256" TEXT NOT NULL,
    "body" BYTEA NOT NULL,
    "size" INTEGER NOT NULL,
    "compressed_size" INTEGER NOT NULL,
    "content_type" TEXT,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "raw_snapshot_pkey" PRIMARY KEY ("sha256")
);

-- CreateTable
CREATE TABLE "run_fetch" (
    "id" SERIAL NOT NULL,
    "run_id" INTEGER NOT NULL,
    "url" TEXT NOT NULL,
    "label" TEXT,
    "fetched_at" TIMESTAMPTZ(3) NOT NULL,
    "http_status" INTEGER,
    "snapshot_sha256" TEXT NOT NULL,

    CONSTRAINT "run_fetch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mobile_series_point" (
    "id" SERIAL NOT NULL,
    "series" TEXT NOT NULL,
    "operator" TEXT NOT NULL,
    "date" DATE NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "note" TEXT,
    "source_url" TEXT,
    "provenance" TEXT NOT NULL,

    CONSTRAINT "mobile_series_point_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "observation_commodity_id_survey_date_idx" ON "observation"("commodity_id", "survey_date");

-- CreateIndex
CREATE INDEX "observation_page_order" ON "observation"("survey_date", "market_id", "commodity_id", "source_id");

-- CreateIndex
CREATE UNIQUE INDEX "observation_key" ON "observation"("source_id", "market_id", "commodity_id", "survey_date");

-- CreateIndex
CREATE INDEX "observation_revision_observation_id_idx" ON "observation_revision"("observation_id");

-- CreateIndex
CREATE INDEX "ingestion_run_source_id_started_at_idx" ON "ingestion_run"("source_id", "started_at");

-- CreateIndex
CREATE INDEX "run_fetch_run_id_idx" ON "run_fetch"("run_id");

-- CreateIndex
CREATE UNIQUE INDEX "mobile_series_point_key" ON "mobile_series_point"("series", "operator", "date");

-- AddForeignKey
ALTER TABLE "observation" ADD CONSTRAINT "observation_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "source"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "observation" ADD CONSTRAINT "observation_market_id_fkey" FOREIGN KEY ("market_id") REFERENCES "market"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "observation" ADD CONSTRAINT "observation_commodity_id_fkey" FOREIGN KEY ("commodity_id") REFERENCES "commodity"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "observation" ADD CONSTRAINT "observation_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "ingestion_run"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "observation_revision" ADD CONSTRAINT "observation_revision_observation_id_fkey" FOREIGN KEY ("observation_id") REFERENCES "observation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ingestion_run" ADD CONSTRAINT "ingestion_run_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "source"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "run_fetch" ADD CONSTRAINT "run_fetch_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "ingestion_run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "run_fetch" ADD CONSTRAINT "run_fetch_snapshot_sha256_fkey" FOREIGN KEY ("snapshot_sha256") REFERENCES "raw_snapshot"("sha256") ON DELETE RESTRICT ON UPDATE CASCADE;

