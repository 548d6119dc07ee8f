-- AlterEnum
ALTER TYPE "CommodityCategory" ADD VALUE 'other';
-- DropIndex
DROP INDEX "observation_page_order";
-- DropIndex
DROP INDEX "observation_key";
-- AlterTable
ALTER TABLE "market" ADD COLUMN     "admin1" TEXT,
ADD COLUMN     "admin2" TEXT,
ADD COLUMN     "country" TEXT NOT NULL DEFAULT 'PRK';
-- AlterTable
ALTER TABLE "commodity" ADD COLUMN     "category_raw" TEXT;
-- AlterTable
ALTER TABLE "observation" ADD COLUMN     "country" TEXT NOT NULL DEFAULT 'PRK',
ADD COLUMN     "price_flag" TEXT,
ADD COLUMN     "price_type" TEXT NOT NULL DEFAULT 'retail',
ADD COLUMN     "usd_value" DOUBLE PRECISION;
-- CreateTable
CREATE TABLE "country" (
    "iso3" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "country_pkey" PRIMARY KEY ("iso3")
);
-- What is stored today is North Korea's
INSERT INTO "country" ("iso3", "name") VALUES ('PRK', 'Korea (Democratic People''s Republic of)');
UPDATE "market" SET "admin1" = "province" WHERE "admin1" IS NULL;

-- CreateIndex
CREATE INDEX "market_country_idx" ON "market"("country");
-- CreateIndex
CREATE INDEX "observation_country_commodity_id_survey_date_idx" ON "observation"("country", "commodity_id", "survey_date");
-- CreateIndex
CREATE INDEX "observation_page_order" ON "observation"("survey_date", "market_id", "commodity_id", "source_id", "price_type", "unit");
-- CreateIndex
CREATE UNIQUE INDEX "observation_key" ON "observation"("source_id", "market_id", "commodity_id", "price_type", "unit", "survey_date");
-- AddForeignKey
ALTER TABLE "market" ADD CONSTRAINT "market_country_fkey" FOREIGN KEY ("country") REFERENCES "country"("iso3") ON DELETE RESTRICT ON UPDATE CASCADE;
