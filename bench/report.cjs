// The convergence report's latency and its trips into the prices service (each a database round
// trip or more), on the shipped archive: cold (a fresh application, empty caches) and warm, each the
// median of REPEATS. Prints one JSON line. Usage: node bench/report.cjs [pglite|postgres]
require('reflect-metadata');
const path = require('node:path');
const { ROOT, freshDatabase } = require('./common.cjs');

async function main() {
  const kind = process.argv[2] || 'pglite';
  const { createApp } = require(path.join(ROOT, 'dist', 'app.factory.js'));
  const { loadConfig } = require(path.join(ROOT, 'dist', 'config', 'app-config.js'));
  const { PricesService } = require(path.join(ROOT, 'dist', 'prices', 'prices.service.js'));
  const { CatalogueService } = require(path.join(ROOT, 'dist', 'prices', 'catalogue.service.js'));
  const { DataVersionService } = require(path.join(ROOT, 'dist', 'prices', 'data-version.service.js'));
  const { ConvergenceReportService } = require(path.join(ROOT, 'dist', 'analysis', 'convergence-report.service.js'));
  const { PanelService } = require(path.join(ROOT, 'dist', 'analysis', 'panel.service.js'));
  const REPEATS = Number(process.env.BENCH_REPORT_REPEATS || 5);
  const db = await freshDatabase(kind);
  const calls = {};
  for (const [cls, name] of [[PricesService, 'series'], [DataVersionService, 'ofSeries'], [CatalogueService, 'listMarkets']]) {
    const original = cls.prototype[name];
    cls.prototype[name] = function (...args) {
      calls[name] = (calls[name] ?? 0) + 1;
      return original.apply(this, args);
    };
  }
  const trips = () => Object.values(calls).reduce((a, b) => a + b, 0);
  const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
  const cold = [];
  const warm = [];
  let coldTrips = 0;
  let warmTrips = 0;
  try {
    for (let i = 0; i < REPEATS; i++) {
      // a fresh application each time: empty caches (the database stays)
      const app = await createApp(loadConfig({ ...db.env, LOG_LEVEL: 'error' }), { listen: false });
      try {
        const reports = app.get(ConvergenceReportService);
        for (const [list, isCold] of [[cold, true], [warm, false]]) {
          for (const k of Object.keys(calls)) delete calls[k];
          const t0 = process.hrtime.bigint();
          // as a request does: the series resolved once, then the report on it
          const panel = await app.get(PanelService).forRequest({ commodity: 'rice' });
          await reports.report(panel, { bootstrap: 999 });
          list.push(Number(process.hrtime.bigint() - t0) / 1e6);
          if (isCold) coldTrips = trips();
          else warmTrips = trips();
        }
      } finally {
        await app.close();
      }
    }
    console.log(
      JSON.stringify({ kind, commodity: 'rice', bootstrap: 999, repeats: REPEATS, coldMedianMs: median(cold), warmMedianMs: median(warm), coldTrips, warmTrips }),
    );
  } finally {
    await db.cleanup();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
