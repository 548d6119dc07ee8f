-- Every import is a run in the run ledger, tower and subscription files included: a source says
-- what its runs write, and a tower import names its run (the tower ledger keeps what only towers
-- have: the format, the merged rows).
ALTER TABLE "source" ADD COLUMN "writes" TEXT NOT NULL DEFAULT 'observations';

ALTER TABLE "tower_import" ADD COLUMN "run_id" INTEGER;
