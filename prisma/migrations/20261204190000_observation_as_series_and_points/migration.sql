-- Issue 22: a series table and narrow points (bench/observation-shape.cjs). A row of the wide
-- observation table cost the server 1.8 times a row of a table with the same key and values
-- (PostgreSQL; PGlite 1.6): its key repeated seven text columns on every row. A series is the key
-- without the date (country, commodity, market, source, price type, unit, currency), stored once
-- with an integer id; a point is (series_id, survey_date) with the value, the flags and the
-- provenance. The same 990,000 rows by COPY: 0.72 times the anchor (PGlite 0.77), 177 MiB stored
-- instead of 361. `observation` stays as a view of the two, with the columns it had, so every read
-- keeps its SQL; a write through it (INSERT, UPDATE, DELETE) is carried to the two tables by
-- INSTEAD OF triggers. The bulk writer writes the tables themselves.

CREATE TABLE "series" (
    "id" SERIAL NOT NULL,
    "country" TEXT NOT NULL,
    "source_id" TEXT NOT NULL,
    "market_id" TEXT NOT NULL,
    "commodity_id" TEXT NOT NULL,
    "price_type" TEXT NOT NULL,
    "unit" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    CONSTRAINT "series_pkey" PRIMARY KEY ("id")
);
-- led by the country and the commodity: every read names them; then the series' own order
CREATE UNIQUE INDEX "series_key" ON "series"("country", "commodity_id", "market_id", "source_id", "price_type", "unit", "currency");

CREATE TABLE "series_point" (
    "id" BIGINT NOT NULL,
    "series_id" INTEGER NOT NULL,
    "survey_date" DATE NOT NULL,
    "period_start" DATE,
    "period_end" DATE,
    "value" DOUBLE PRECISION NOT NULL,
    "usd_value" DOUBLE PRECISION,
    "price_flag" TEXT,
    "raw_value" TEXT NOT NULL,
    "source_url" TEXT NOT NULL,
    "fetched_at" TIMESTAMPTZ(3) NOT NULL,
    "parser_version" TEXT NOT NULL,
    "flag" "ObservationFlag" NOT NULL DEFAULT 'observed',
    "quality_notes" TEXT,
    "run_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "series_point_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "observation_value_positive_finite" CHECK ("value" > 0 AND "value" < 'Infinity'::double precision)
);
CREATE UNIQUE INDEX "series_point_key" ON "series_point"("series_id", "survey_date");

-- the observations so far, their ids kept (the revisions refer to them)
INSERT INTO series (country, source_id, market_id, commodity_id, price_type, unit, currency)
SELECT DISTINCT country, source_id, market_id, commodity_id, price_type, unit, currency FROM observation
ORDER BY 1, 4, 3, 2, 5, 6, 7;
INSERT INTO series_point (id, series_id, survey_date, period_start, period_end, value, usd_value, price_flag,
                          raw_value, source_url, fetched_at, parser_version, flag, quality_notes, run_id,
                          created_at, updated_at)
SELECT o.id, s.id, o.survey_date, o.period_start, o.period_end, o.value, o.usd_value, o.price_flag,
       o.raw_value, o.source_url, o.fetched_at, o.parser_version, o.flag, o.quality_notes, o.run_id,
       o.created_at, o.updated_at
FROM observation o JOIN series s ON s.country = o.country AND s.commodity_id = o.commodity_id
  AND s.market_id = o.market_id AND s.source_id = o.source_id AND s.price_type = o.price_type
  AND s.unit = o.unit AND s.currency = o.currency;

ALTER SEQUENCE "observation_id_seq" OWNED BY NONE;
ALTER TABLE "observation_revision" DROP CONSTRAINT "observation_revision_observation_id_fkey";
DROP TABLE "observation";
ALTER SEQUENCE "observation_id_seq" OWNED BY "series_point"."id";
ALTER TABLE "series_point" ALTER COLUMN "id" SET DEFAULT nextval('observation_id_seq');
ALTER TABLE "observation_revision" ADD CONSTRAINT "observation_revision_observation_id_fkey"
  FOREIGN KEY ("observation_id") REFERENCES "series_point"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE VIEW "observation" AS
SELECT p.id, s.source_id, s.market_id, s.commodity_id, p.survey_date, p.period_start, p.period_end,
       p.value, s.unit, s.currency, p.raw_value, p.source_url, p.fetched_at, p.parser_version, p.flag,
       p.quality_notes, p.run_id, p.created_at, p.updated_at, s.country, p.price_flag, s.price_type,
       p.usd_value, p.series_id
FROM series_point p JOIN series s ON s.id = p.series_id;
ALTER VIEW "observation" ALTER COLUMN "id" SET DEFAULT nextval('observation_id_seq');
ALTER VIEW "observation" ALTER COLUMN "country" SET DEFAULT 'PRK';
ALTER VIEW "observation" ALTER COLUMN "price_type" SET DEFAULT 'retail';
ALTER VIEW "observation" ALTER COLUMN "flag" SET DEFAULT 'observed';
ALTER VIEW "observation" ALTER COLUMN "created_at" SET DEFAULT CURRENT_TIMESTAMP;
ALTER VIEW "observation" ALTER COLUMN "updated_at" SET DEFAULT CURRENT_TIMESTAMP;

-- The series of a key, made when new.
CREATE FUNCTION series_of(p_country text, p_source text, p_market text, p_commodity text,
                          p_price_type text, p_unit text, p_currency text) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
  found int;
BEGIN
  SELECT id INTO found FROM series WHERE country = p_country AND commodity_id = p_commodity
    AND market_id = p_market AND source_id = p_source AND price_type = p_price_type
    AND unit = p_unit AND currency = p_currency;
  IF found IS NULL THEN
    INSERT INTO series (country, source_id, market_id, commodity_id, price_type, unit, currency)
    VALUES (p_country, p_source, p_market, p_commodity, p_price_type, p_unit, p_currency)
    ON CONFLICT DO NOTHING RETURNING id INTO found;
    IF found IS NULL THEN
      SELECT id INTO found FROM series WHERE country = p_country AND commodity_id = p_commodity
        AND market_id = p_market AND source_id = p_source AND price_type = p_price_type
        AND unit = p_unit AND currency = p_currency;
    END IF;
  END IF;
  RETURN found;
END $$;

-- A write through the view: onto its series (made when new) and its point.
CREATE FUNCTION observation_view_write() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  sid int;
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM series_point WHERE id = OLD.id;
    RETURN OLD;
  END IF;
  sid := series_of(NEW.country, NEW.source_id, NEW.market_id, NEW.commodity_id, NEW.price_type,
                   NEW.unit, NEW.currency);
  IF TG_OP = 'INSERT' THEN
    INSERT INTO series_point (id, series_id, survey_date, period_start, period_end, value, usd_value,
                              price_flag, raw_value, source_url, fetched_at, parser_version, flag,
                              quality_notes, run_id, created_at, updated_at)
    VALUES (NEW.id, sid, NEW.survey_date, NEW.period_start, NEW.period_end, NEW.value, NEW.usd_value,
            NEW.price_flag, NEW.raw_value, NEW.source_url, NEW.fetched_at, NEW.parser_version, NEW.flag,
            NEW.quality_notes, NEW.run_id, NEW.created_at, NEW.updated_at);
  ELSE
    UPDATE series_point SET id = NEW.id, series_id = sid, survey_date = NEW.survey_date,
      period_start = NEW.period_start, period_end = NEW.period_end, value = NEW.value,
      usd_value = NEW.usd_value, price_flag = NEW.price_flag, raw_value = NEW.raw_value,
      source_url = NEW.source_url, fetched_at = NEW.fetched_at, parser_version = NEW.parser_version,
      flag = NEW.flag, quality_notes = NEW.quality_notes, run_id = NEW.run_id,
      created_at = NEW.created_at, updated_at = NEW.updated_at
    WHERE id = OLD.id;
  END IF;
  NEW.series_id := sid;
  RETURN NEW;
END $$;
CREATE TRIGGER observation_view_insert INSTEAD OF INSERT ON observation
  FOR EACH ROW EXECUTE FUNCTION observation_view_write();
CREATE TRIGGER observation_view_update INSTEAD OF UPDATE ON observation
  FOR EACH ROW EXECUTE FUNCTION observation_view_write();
CREATE TRIGGER observation_view_delete INSTEAD OF DELETE ON observation
  FOR EACH ROW EXECUTE FUNCTION observation_view_write();

-- The references, set-wise as before: a series' source, market and commodity; a point's series
-- and run. The message names observation, the table a user writes.
CREATE OR REPLACE FUNCTION observation_check_references() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  missing text;
BEGIN
  IF TG_TABLE_NAME = 'series' THEN
    SELECT coalesce(
      (SELECT 'source ' || r.source_id FROM (SELECT DISTINCT source_id FROM new_rows) r
        WHERE NOT EXISTS (SELECT 1 FROM source t WHERE t.id = r.source_id) LIMIT 1),
      (SELECT 'market ' || r.market_id FROM (SELECT DISTINCT market_id FROM new_rows) r
        WHERE NOT EXISTS (SELECT 1 FROM market t WHERE t.id = r.market_id) LIMIT 1),
      (SELECT 'commodity ' || r.commodity_id FROM (SELECT DISTINCT commodity_id FROM new_rows) r
        WHERE NOT EXISTS (SELECT 1 FROM commodity t WHERE t.id = r.commodity_id) LIMIT 1))
    INTO missing;
  ELSE
    SELECT coalesce(
      (SELECT 'series ' || r.series_id FROM (SELECT DISTINCT series_id FROM new_rows) r
        WHERE NOT EXISTS (SELECT 1 FROM series t WHERE t.id = r.series_id) LIMIT 1),
      (SELECT 'ingestion run ' || r.run_id FROM (SELECT DISTINCT run_id FROM new_rows WHERE run_id IS NOT NULL) r
        WHERE NOT EXISTS (SELECT 1 FROM ingestion_run t WHERE t.id = r.run_id) LIMIT 1))
    INTO missing;
  END IF;
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'insert or update on table "observation" violates its reference to % (not present)', missing
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER series_references_inserted AFTER INSERT ON series
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION observation_check_references();
CREATE TRIGGER series_references_updated AFTER UPDATE ON series
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION observation_check_references();
CREATE TRIGGER series_point_references_inserted AFTER INSERT ON series_point
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION observation_check_references();
CREATE TRIGGER series_point_references_updated AFTER UPDATE ON series_point
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION observation_check_references();

-- A source, market or commodity that a series names cannot be deleted or renamed.
CREATE OR REPLACE FUNCTION observation_referenced_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  hit text;
BEGIN
  EXECUTE format(
    'SELECT d.id::text FROM old_rows d WHERE NOT EXISTS (SELECT 1 FROM %I t WHERE t.id = d.id)
       AND EXISTS (SELECT 1 FROM series o WHERE o.%I = d.id) LIMIT 1',
    TG_TABLE_NAME, TG_ARGV[0]) INTO hit;
  IF hit IS NOT NULL THEN
    RAISE EXCEPTION 'update or delete on table "%" violates the reference from "observation": % is still referenced', TG_TABLE_NAME, hit
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;

-- A deleted run's observations keep their data and lose their run.
CREATE OR REPLACE FUNCTION observation_run_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE series_point o SET run_id = NULL FROM old_rows d WHERE o.run_id = d.id;
  RETURN NULL;
END $$;

-- A changed value keeps its predecessor, whichever statement changes it.
CREATE TRIGGER observation_revision_on_change AFTER UPDATE ON series_point FOR EACH ROW
  WHEN (OLD.value IS DISTINCT FROM NEW.value OR OLD.flag IS DISTINCT FROM NEW.flag)
  EXECUTE FUNCTION observation_keep_revision();
