-- The publisher's own market and commodity codes (issue 22): WFP's HDX market_id is the VAM file's
-- mkt_id, commodity_id its cm_id, so a price imported in both layouts is one observation even
-- where the two spell a name differently. Namespaced by source ("wfp-hdx:100").
-- AlterTable
ALTER TABLE "market" ADD COLUMN "external_id" TEXT;
ALTER TABLE "commodity" ADD COLUMN "external_id" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "market_external_id_key" ON "market"("country", "external_id") WHERE "external_id" IS NOT NULL;
CREATE UNIQUE INDEX "commodity_external_id_key" ON "commodity"("external_id") WHERE "external_id" IS NOT NULL;
