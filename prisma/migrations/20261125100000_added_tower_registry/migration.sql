-- CreateTable
CREATE TABLE "tower" (
    "id" SERIAL NOT NULL,
    "source" TEXT NOT NULL,
    "external_id" TEXT NOT NULL,
    "radio" TEXT,
    "latitude" DOUBLE PRECISION NOT NULL,
    "longitude" DOUBLE PRECISION NOT NULL,
    "range_m" INTEGER,
    "samples" INTEGER,
    "first_seen" DATE NOT NULL,
    "first_seen_kind" TEXT NOT NULL,
    "last_seen" DATE,
    "confidence" DOUBLE PRECISION,
    "merged_rows" INTEGER NOT NULL DEFAULT 0,
    "import_id" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tower_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tower_import" (
    "id" SERIAL NOT NULL,
    "source" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "file_name" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "status" TEXT NOT NULL DEFAULT 'running',
    "rows_read" INTEGER NOT NULL DEFAULT 0,
    "inserted" INTEGER NOT NULL DEFAULT 0,
    "updated" INTEGER NOT NULL DEFAULT 0,
    "unchanged" INTEGER NOT NULL DEFAULT 0,
    "merged" INTEGER NOT NULL DEFAULT 0,
    "rejected" INTEGER NOT NULL DEFAULT 0,
    "rejections" JSONB,
    "error_message" TEXT,

    CONSTRAINT "tower_import_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "tower_latitude_longitude_idx" ON "tower"("latitude", "longitude");

-- CreateIndex
CREATE UNIQUE INDEX "tower_key" ON "tower"("source", "external_id");

-- AddForeignKey
ALTER TABLE "tower" ADD CONSTRAINT "tower_import_id_fkey" FOREIGN KEY ("import_id") REFERENCES "tower_import"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

