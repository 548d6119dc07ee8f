-- The backstop behind the ingestion's own check (src/ingestion/storable.ts): no zero, negative,
-- infinite or NaN price is ever stored, whichever path writes it. PostgreSQL orders NaN above
-- every number, so "value < 'Infinity'" also refuses NaN.
ALTER TABLE "observation"
  ADD CONSTRAINT "observation_value_positive_finite"
  CHECK ("value" > 0 AND "value" < 'Infinity'::double precision);
