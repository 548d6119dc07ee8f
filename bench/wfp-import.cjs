// A country-scale import in the exact WFP/HDX shape: deterministic synthetic files (no randomness),
// COUNTRIES countries x 150 markets x 10 commodities x MONTHS months (monthly from 2000-01), imported
// one file at a time in this process through WfpImportService (the path the CLI and the API take),
// then the first file again (all unchanged). Prints one JSON line: rows, seconds, rows/s, peak RSS.
// Usage: node bench/wfp-import.cjs [pglite|postgres] [rows]   (default 3,000,000 rows)
require('reflect-metadata');
const { createReadStream, mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { ROOT, freshDatabase } = require('./common.cjs');

const ISO3 = ['COL', 'KEN', 'NGA', 'ETH', 'SOM', 'YEM', 'AFG', 'BGD', 'MLI', 'NER', 'TCD', 'SDN', 'SSD', 'HTI', 'MOZ', 'MWI', 'ZWE', 'UGA', 'PAK', 'MMR'];
const MARKETS = 150;
const COMMODITIES = 10;

function writeCountryFile(dir, iso3, months) {
  const lines = ['date,admin1,admin2,market,latitude,longitude,category,commodity,unit,priceflag,pricetype,currency,price,usdprice', '#date,#adm1+name,#adm2+name,#loc+market+name,#geo+lat,#geo+lon,#item+type,#item+name,#item+unit,#item+price+flag,#item+price+type,#currency+code,#value,#value+usd'];
  for (let t = 0; t < months; t++) {
    const date = `${2000 + Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}-15`;
    for (let m = 0; m < MARKETS; m++) {
      for (let c = 0; c < COMMODITIES; c++) {
        const price = (100 + 10 * c) * (1 + 0.002 * t) * (1 + 0.001 * m) * (1 + 0.05 * Math.sin(t + m * 0.7 + c));
        lines.push(`${date},Region ${m % 15},District ${m},Market ${m},${(m % 30) - 10},${(m % 40) + 10},cereals and tubers,Commodity ${c},KG,actual,Retail,XXX,${price.toFixed(2)},${(price / 100).toFixed(4)}`);
      }
    }
  }
  const file = path.join(dir, `wfp_food_prices_${iso3.toLowerCase()}.csv`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

async function main() {
  const kind = process.argv[2] || 'postgres';
  const total = Number(process.argv[3] || 3_000_000);
  const perCountry = total / ISO3.length;
  const months = Math.round(perCountry / (MARKETS * COMMODITIES));
  const dir = mkdtempSync(path.join(tmpdir(), 'wfp-bench-'));
  const { createApp } = require(path.join(ROOT, 'dist', 'app.factory.js'));
  const { loadConfig } = require(path.join(ROOT, 'dist', 'config', 'app-config.js'));
  const { WfpImportService } = require(path.join(ROOT, 'dist', 'ingestion', 'wfp-import.service.js'));
  const db = await freshDatabase(kind);
  const app = await createApp(loadConfig({ ...db.env, LOG_LEVEL: 'error', LOAD_ARCHIVE_ON_EMPTY: 'false', LOAD_SAMPLE_TOWERS_ON_EMPTY: 'false' }), { listen: false });
  try {
    const imports = app.get(WfpImportService);
    let rows = 0;
    let importMs = 0;
    let first;
    for (const iso3 of ISO3) {
      const file = writeCountryFile(dir, iso3, months); // written before the clock starts
      first ??= file;
      const t0 = process.hrtime.bigint();
      const r = await imports.import(createReadStream(file), { fileName: path.basename(file), trigger: 'cli' });
      importMs += Number(process.hrtime.bigint() - t0) / 1e6;
      if (r.run.status === 'failed') throw new Error(`${iso3}: ${r.run.errorMessage}`);
      rows += r.run.rowsInserted;
      if (iso3 !== ISO3[ISO3.length - 1]) rmSync(file);
    }
    const t1 = process.hrtime.bigint();
    const again = await imports.import(createReadStream(writeCountryFile(dir, ISO3[0], months)), { fileName: `wfp_food_prices_${ISO3[0].toLowerCase()}.csv`, trigger: 'cli' });
    const rerunMs = Number(process.hrtime.bigint() - t1) / 1e6;
    console.log(
      JSON.stringify({
        kind,
        countries: ISO3.length,
        markets: ISO3.length * MARKETS,
        commodities: COMMODITIES,
        months,
        rows,
        importSeconds: importMs / 1000,
        rowsPerSecond: rows / (importMs / 1000),
        rerunRows: again.run.rowsUnchanged,
        rerunSeconds: rerunMs / 1000,
        rerunRowsPerSecond: again.run.rowsUnchanged / (rerunMs / 1000),
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
