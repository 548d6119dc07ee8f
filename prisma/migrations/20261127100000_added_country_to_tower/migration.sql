-- Towers of any country (issue 8): an OpenCelliD file is assigned to countries by its MCCs, a survey
-- file to the country the import names. What is stored today is North Korea's.
-- AlterTable
ALTER TABLE "tower" ADD COLUMN "country" TEXT NOT NULL DEFAULT 'PRK';

-- AddForeignKey
ALTER TABLE "tower" ADD CONSTRAINT "tower_country_fkey" FOREIGN KEY ("country") REFERENCES "country"("iso3") ON DELETE RESTRICT ON UPDATE CASCADE;

-- CreateIndex
CREATE INDEX "tower_country_idx" ON "tower"("country");

-- AlterTable
ALTER TABLE "tower_import" ADD COLUMN "country" TEXT;
