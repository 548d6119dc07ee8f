// Coverage benchmark: import 100,000 synthetic towers (OpenCelliD format, random points inside
// North Korea's outline: drawn in its bounding box, those outside the outline drawn again) from a
// file, streamed as the CLI reads it; then compute the coverage of every market at every survey
// date of the shipped archive, and one market's area share over time. Prints one JSON line, with
// the process's peak RSS once the import is done (importPeakRssMiB) and at the end.
// Usage: node bench/coverage.cjs pglite|postgres [towers] [file]
//   with a file: only write the towers there (for timing the CLI on it) and stop
require('reflect-metadata');
const { createReadStream, mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { ROOT, freshDatabase } = require('./common.cjs');

async function main() {
  const kind = process.argv[2] || 'pglite';
  const count = Number(process.argv[3] || 100_000);
  const { createApp } = require(path.join(ROOT, 'dist', 'app.factory.js'));
  const { loadConfig } = require(path.join(ROOT, 'dist', 'config', 'app-config.js'));
  const { TowerImportService } = require(
    path.join(ROOT, 'dist', 'coverage', 'tower-import.service.js'),
  );
  const { CoverageService } = require(path.join(ROOT, 'dist', 'coverage', 'coverage.service.js'));
  const { AreaShareService } = require(
    path.join(ROOT, 'dist', 'coverage', 'area-share.service.js'),
  );
  const { coverageAt } = require(path.join(ROOT, 'dist', 'coverage', 'tower-coverage.js'));
  const { PricesService } = require(path.join(ROOT, 'dist', 'prices', 'prices.service.js'));
  const { countryOutline } = require(path.join(ROOT, 'dist', 'common', 'country-outline.js'));
  const inside = require('@turf/boolean-point-in-polygon').default;
  const outline = countryOutline('PRK');

  let seed = 42;
  const rand = () => {
    // mulberry32: deterministic, well spread
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const lines = [
    'radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal',
  ];
  const t2009 = Date.UTC(2009, 0, 1) / 1000;
  const span = Date.UTC(2023, 0, 1) / 1000 - t2009;
  for (let i = 0; i < count; i++) {
    let lat;
    let lon;
    do {
      lat = 37.8 + rand() * 5.1;
      lon = 124.3 + rand() * 6.3;
    } while (!inside([lon, lat], outline));
    const created = Math.floor(t2009 + rand() * span);
    lines.push(
      `GSM,467,193,${i % 500},${i},0,${lon.toFixed(6)},${lat.toFixed(6)},1000,3,1,${created},${created + 86400},0`,
    );
  }
  if (process.argv[4]) return writeFileSync(process.argv[4], lines.join('\n'));
  const dir = mkdtempSync(path.join(tmpdir(), 'towers-bench-'));
  const file = path.join(dir, 'cell_towers.csv');
  writeFileSync(file, lines.join('\n'));
  lines.length = 0;

  const db = await freshDatabase(kind);
  const app = await createApp(
    loadConfig({ ...db.env, LOG_LEVEL: 'error', LOAD_SAMPLE_TOWERS_ON_EMPTY: 'false' }),
    { listen: false },
  );
  try {
    const t0 = process.hrtime.bigint();
    const report = await app
      .get(TowerImportService)
      .import(createReadStream(file), 'opencellid', 'bench');
    const importMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const importPeakRssMiB = process.resourceUsage().maxRSS / 1024;
    if (report.status === 'failed') throw new Error(report.errorMessage);

    const coverage = app.get(CoverageService);
    const series = await app.get(PricesService).series('rice', {});
    const dates = [...new Set(series.map((p) => p.date))];
    const t1 = process.hrtime.bigint();
    const by = await coverage.reachingByMarket();
    let cells = 0;
    for (const { reaching } of by.values())
      for (const d of dates) (coverageAt(reaching, d), cells++);
    const allMarketsMs = Number(process.hrtime.bigint() - t1) / 1e6;

    const t2 = process.hrtime.bigint();
    const steps = await app.get(AreaShareService).marketSteps('pyongyang', 10);
    const areaMs = Number(process.hrtime.bigint() - t2) / 1e6;
    console.log(
      JSON.stringify({
        kind,
        towersInFile: count,
        imported: report.inserted,
        merged: report.merged,
        rejected: report.rejected,
        importMs,
        importRowsPerSec: count / (importMs / 1000),
        importPeakRssMiB,
        markets: by.size,
        dates: dates.length,
        marketDates: cells,
        allMarketsAllDatesMs: allMarketsMs,
        areaShareSteps: steps.length,
        areaShareMs: areaMs,
        peakRssMiB: process.resourceUsage().maxRSS / 1024,
      }),
    );
  } finally {
    await app.close();
    await db.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
