-- The bulk path (issue 8): observation is the one table written at scale, and its four per-row
-- foreign keys (source, market, commodity, run) cost more than half of an import's time (one
-- SPI look-up and row lock per reference per row). They become set-wise checks: one statement-level
-- trigger per statement over its transition table, which refuses (SQLSTATE 23503, as a foreign key
-- would) any row whose source, market, commodity or run does not exist; and guards on the referenced
-- tables that refuse deleting (or renaming) a referenced row, as ON DELETE RESTRICT did (a deleted
-- run's observations lose their run, as ON DELETE SET NULL did). And one index instead of four:
-- the key, led by the country and the commodity, serves the key, the analysis and the page order.
-- DropForeignKey
ALTER TABLE "observation" DROP CONSTRAINT "observation_source_id_fkey";
-- DropForeignKey
ALTER TABLE "observation" DROP CONSTRAINT "observation_market_id_fkey";
-- DropForeignKey
ALTER TABLE "observation" DROP CONSTRAINT "observation_commodity_id_fkey";
-- DropForeignKey
ALTER TABLE "observation" DROP CONSTRAINT "observation_run_id_fkey";
-- DropIndex
DROP INDEX "observation_commodity_id_survey_date_idx";
-- DropIndex
DROP INDEX "observation_country_commodity_id_survey_date_idx";
-- DropIndex
DROP INDEX "observation_page_order";
-- DropIndex
DROP INDEX "observation_key";
-- CreateIndex
CREATE UNIQUE INDEX "observation_key" ON "observation"("country", "commodity_id", "survey_date", "market_id", "source_id", "price_type", "unit");

-- Every reference of the rows a statement inserted or updated must exist.
CREATE FUNCTION observation_check_references() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  missing text;
BEGIN
  SELECT coalesce(
    (SELECT 'source ' || r.source_id FROM (SELECT DISTINCT source_id FROM new_rows) r
      WHERE NOT EXISTS (SELECT 1 FROM source t WHERE t.id = r.source_id) LIMIT 1),
    (SELECT 'market ' || r.market_id FROM (SELECT DISTINCT market_id FROM new_rows) r
      WHERE NOT EXISTS (SELECT 1 FROM market t WHERE t.id = r.market_id) LIMIT 1),
    (SELECT 'commodity ' || r.commodity_id FROM (SELECT DISTINCT commodity_id FROM new_rows) r
      WHERE NOT EXISTS (SELECT 1 FROM commodity t WHERE t.id = r.commodity_id) LIMIT 1),
    (SELECT 'ingestion run ' || r.run_id FROM (SELECT DISTINCT run_id FROM new_rows WHERE run_id IS NOT NULL) r
      WHERE NOT EXISTS (SELECT 1 FROM ingestion_run t WHERE t.id = r.run_id) LIMIT 1))
  INTO missing;
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'insert or update on table "observation" violates its reference to % (not present)', missing
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER observation_references_inserted AFTER INSERT ON observation
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION observation_check_references();
CREATE TRIGGER observation_references_updated AFTER UPDATE ON observation
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION observation_check_references();

-- A source, market or commodity still referenced by an observation cannot be deleted or renamed.
-- TG_ARGV[0] is observation's column that refers to the table.
CREATE FUNCTION observation_referenced_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  hit text;
BEGIN
  EXECUTE format(
    'SELECT d.id::text FROM old_rows d WHERE NOT EXISTS (SELECT 1 FROM %I t WHERE t.id = d.id)
       AND EXISTS (SELECT 1 FROM observation o WHERE o.%I = d.id) LIMIT 1',
    TG_TABLE_NAME, TG_ARGV[0]) INTO hit;
  IF hit IS NOT NULL THEN
    RAISE EXCEPTION 'update or delete on table "%" violates the reference from "observation": % is still referenced', TG_TABLE_NAME, hit
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER source_observations_on_delete AFTER DELETE ON source
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION observation_referenced_guard('source_id');
CREATE TRIGGER source_observations_on_update AFTER UPDATE ON source
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION observation_referenced_guard('source_id');
CREATE TRIGGER market_observations_on_delete AFTER DELETE ON market
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION observation_referenced_guard('market_id');
CREATE TRIGGER market_observations_on_update AFTER UPDATE ON market
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION observation_referenced_guard('market_id');
CREATE TRIGGER commodity_observations_on_delete AFTER DELETE ON commodity
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION observation_referenced_guard('commodity_id');
CREATE TRIGGER commodity_observations_on_update AFTER UPDATE ON commodity
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION observation_referenced_guard('commodity_id');

-- A deleted run's observations keep their data and lose their run (as ON DELETE SET NULL did).
CREATE FUNCTION observation_run_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE observation o SET run_id = NULL FROM old_rows d WHERE o.run_id = d.id;
  RETURN NULL;
END $$;
CREATE TRIGGER ingestion_run_observations_on_delete AFTER DELETE ON ingestion_run
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION observation_run_deleted();

-- A changed value keeps its predecessor: whichever statement changes an observation's value or flag
-- (the writer's one upsert), the database records the revision, with the run that made it.
CREATE FUNCTION observation_keep_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO observation_revision
    (observation_id, previous_value, previous_raw_value, previous_fetched_at, new_value, run_id)
  VALUES (OLD.id, OLD.value, OLD.raw_value, OLD.fetched_at, NEW.value, NEW.run_id);
  RETURN NULL;
END $$;
CREATE TRIGGER observation_revision_on_change AFTER UPDATE ON observation FOR EACH ROW
  WHEN (OLD.value IS DISTINCT FROM NEW.value OR OLD.flag IS DISTINCT FROM NEW.flag)
  EXECUTE FUNCTION observation_keep_revision();
