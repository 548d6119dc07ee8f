-- DropIndex
DROP INDEX "mobile_series_point_key";
-- AlterTable
ALTER TABLE "mobile_series_point" ADD COLUMN     "country" TEXT NOT NULL DEFAULT 'PRK';
-- CreateIndex
CREATE UNIQUE INDEX "mobile_series_point_key" ON "mobile_series_point"("country", "series", "operator", "date");
