-- One series never mixes currencies: a market's commodity in one unit priced in two currencies on
-- one date (Nicaragua's WFP file has NIO and USD rows for the same market and commodity) is two
-- observations, not one row whose value the second currency overwrites (recorded as a revision).
-- The currency joins the key, last: every read that seeks on the key's leading columns still does.
DROP INDEX "observation_key";

CREATE UNIQUE INDEX "observation_key" ON "observation"("country", "commodity_id", "survey_date", "market_id", "source_id", "price_type", "unit", "currency");
