// Ingest rate: the shipped archive replicated into >= 100,000 synthetic observations (fresh markets
// named bench-<copy>-<city>), written through the same ObservationWriterService as every run.
// Prints one JSON line. Usage: node bench/ingest.cjs pglite|postgres [copies]
require('reflect-metadata');
const { ROOT, freshDatabase } = require('./common.cjs');
const path = require('node:path');

async function main() {
  const kind = process.argv[2] || 'pglite';
  const copies = Number(process.argv[3] || 102);
  const { createApp } = require(path.join(ROOT, 'dist', 'app.factory.js'));
  const { loadConfig } = require(path.join(ROOT, 'dist', 'config', 'app-config.js'));
  const { PrismaService } = require(path.join(ROOT, 'dist', 'database', 'prisma.service.js'));
  const { ObservationWriterService } = require(path.join(ROOT, 'dist', 'prices', 'observation-writer.service.js'));
  const { RunLedgerService } = require(path.join(ROOT, 'dist', 'ingestion', 'run-ledger.service.js'));
  const { parseDailyNkSheet } = require(path.join(ROOT, 'dist', 'sources', 'dailynk-sheet', 'dailynk-sheet.parser.js'));
  const { readFileSync } = require('node:fs');

  const db = await freshDatabase(kind);
  const app = await createApp(loadConfig({ ...db.env, LOAD_ARCHIVE_ON_EMPTY: 'false', LOG_LEVEL: 'error' }), { listen: false });
  try {
    const prisma = app.get(PrismaService);
    const markets = await prisma.market.findMany();
    const ctx = { markets };
    const base = ['rice', 'rate'].flatMap((tab) =>
      parseDailyNkSheet(readFileSync(path.join(ROOT, 'data', 'archive', 'dailynk-sheet', `${tab}.csv`), 'utf8'), tab, ctx).observations,
    );
    const cities = [...new Set(base.map((o) => o.marketId))];
    const synthetic = [];
    for (let k = 0; k < copies; k++) for (const c of cities) synthetic.push({ id: `bench-${k}-${c}`, name: `bench ${k} ${c}`, kind: 'city' });
    await prisma.market.createMany({ data: synthetic });
    const fetchedAt = new Date();
    const rows = [];
    for (let k = 0; k < copies; k++) {
      for (const o of base) {
        // a small deterministic perturbation so copies are not identical
        rows.push({ ...o, marketId: `bench-${k}-${o.marketId}`, value: o.value * (1 + ((k % 7) - 3) / 100), sourceUrl: 'bench://synthetic', fetchedAt, parserVersion: 'bench' });
      }
    }
    const ledger = app.get(RunLedgerService);
    const writer = app.get(ObservationWriterService);
    const run1 = await ledger.start('dailynk-sheet', 'cli', 'bench');
    const t0 = process.hrtime.bigint();
    const first = await writer.write('dailynk-sheet', run1, rows);
    const insertMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const run2 = await ledger.start('dailynk-sheet', 'cli', 'bench');
    const t1 = process.hrtime.bigint();
    const second = await writer.write('dailynk-sheet', run2, rows);
    const rerunMs = Number(process.hrtime.bigint() - t1) / 1e6;
    console.log(
      JSON.stringify({
        kind,
        rows: rows.length,
        inserted: first.inserted,
        unchangedOnRerun: second.unchanged,
        insertMs,
        insertRowsPerSec: rows.length / (insertMs / 1000),
        rerunMs,
        rerunRowsPerSec: rows.length / (rerunMs / 1000),
        peakRssMiB: process.resourceUsage().maxRSS / 1024,
      }),
    );
  } finally {
    await app.close();
    await db.cleanup();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
