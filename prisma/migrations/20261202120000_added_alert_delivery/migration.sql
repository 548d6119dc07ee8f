-- The price-alert feed's ledger: one row per market, series, month and ALPS class that reached
-- stress or worse, recorded before it is sent, so that it is never sent twice (the key) and an
-- alert whose delivery failed is sent again later (delivered_at null).
CREATE TABLE "alert_delivery" (
    "id" SERIAL NOT NULL,
    "country" TEXT NOT NULL,
    "commodity_id" TEXT NOT NULL,
    "unit" TEXT NOT NULL,
    "price_type" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "market_id" TEXT NOT NULL,
    "month" TEXT NOT NULL,
    "alps_class" TEXT NOT NULL,
    "alps" DOUBLE PRECISION NOT NULL,
    "price" DOUBLE PRECISION NOT NULL,
    "run_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMPTZ(3),
    "claimed_at" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    CONSTRAINT "alert_delivery_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "alert_delivery_key" ON "alert_delivery"("country", "commodity_id", "unit", "price_type", "currency", "market_id", "month", "alps_class");
