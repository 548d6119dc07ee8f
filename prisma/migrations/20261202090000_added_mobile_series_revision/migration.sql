-- A newer WDI release that changes past values keeps the old value as a revision (issue 22),
-- as observations keep theirs.
-- CreateTable
CREATE TABLE "mobile_series_revision" (
    "id" SERIAL NOT NULL,
    "point_id" INTEGER NOT NULL,
    "previous_value" DOUBLE PRECISION NOT NULL,
    "previous_provenance" TEXT NOT NULL,
    "new_value" DOUBLE PRECISION NOT NULL,
    "changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mobile_series_revision_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "mobile_series_revision_point_id_idx" ON "mobile_series_revision"("point_id");

-- AddForeignKey
ALTER TABLE "mobile_series_revision" ADD CONSTRAINT "mobile_series_revision_point_id_fkey" FOREIGN KEY ("point_id") REFERENCES "mobile_series_point"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Whichever statement changes a point's value (an import's one upsert), the database keeps the
-- value it replaced, as observations keep theirs.
CREATE FUNCTION mobile_series_keep_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO mobile_series_revision (point_id, previous_value, previous_provenance, new_value)
  VALUES (OLD.id, OLD.value, OLD.provenance, NEW.value);
  RETURN NULL;
END $$;
CREATE TRIGGER mobile_series_revision_on_change AFTER UPDATE ON mobile_series_point FOR EACH ROW
  WHEN (OLD.value IS DISTINCT FROM NEW.value)
  EXECUTE FUNCTION mobile_series_keep_revision();
