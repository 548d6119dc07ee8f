// A country-scale import in the exact WFP/HDX shape: deterministic synthetic files (no randomness),
// COUNTRIES countries x 150 markets x 10 commodities x MONTHS months (monthly from 2000-01), imported
// one file at a time through ImportRunner (the path the CLI and the API take) in a child process
// that does nothing else, then the first file again (all unchanged). Prints one JSON line: rows,
// seconds, rows/s, the importing process's RSS after boot and at its peak; on PostgreSQL also the
// anchor: the same rows by COPY into a table with the observation key, in the same run.
// Usage: node bench/wfp-import.cjs [pglite|postgres] [rows] [hdx|vam]   (default 3,000,000 rows, hdx;
// vam: the same rows as one file in WFP's VAM global layout, every country in it). BENCH_NODE_FLAGS
// are given to the importing child (e.g. "--trace-gc", "--cpu-prof --cpu-prof-dir=/tmp/prof");
// its output other than the result line goes to BENCH_CHILD_OUT when set.
require('reflect-metadata');
const { execFileSync } = require('node:child_process');
const { createReadStream, mkdtempSync, readdirSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { ROOT, freshDatabase } = require('./common.cjs');

const ISO3 = ['COL', 'KEN', 'NGA', 'ETH', 'SOM', 'YEM', 'AFG', 'BGD', 'MLI', 'NER', 'TCD', 'SDN', 'SSD', 'HTI', 'MOZ', 'MWI', 'ZWE', 'UGA', 'PAK', 'MMR'];
const MARKETS = 150;
const COMMODITIES = 10;

// One country's rows, deterministic: month t, market m, commodity c.
function* countryRows(months) {
  for (let t = 0; t < months; t++) {
    const year = 2000 + Math.floor(t / 12);
    const month = (t % 12) + 1;
    for (let m = 0; m < MARKETS; m++)
      for (let c = 0; c < COMMODITIES; c++) {
        const price = (100 + 10 * c) * (1 + 0.002 * t) * (1 + 0.001 * m) * (1 + 0.05 * Math.sin(t + m * 0.7 + c));
        yield { year, month, date: `${year}-${String(month).padStart(2, '0')}-15`, m, c, price: price.toFixed(2) };
      }
  }
}

function writeCountryFile(dir, iso3, months) {
  const lines = ['date,admin1,admin2,market,latitude,longitude,category,commodity,unit,priceflag,pricetype,currency,price,usdprice', '#date,#adm1+name,#adm2+name,#loc+market+name,#geo+lat,#geo+lon,#item+type,#item+name,#item+unit,#item+price+flag,#item+price+type,#currency+code,#value,#value+usd'];
  for (const r of countryRows(months))
    lines.push(`${r.date},Region ${r.m % 15},District ${r.m},Market ${r.m},${(r.m % 30) - 10},${(r.m % 40) + 10},cereals and tubers,Commodity ${r.c},KG,actual,Retail,XXX,${r.price},${(Number(r.price) / 100).toFixed(4)}`);
  const file = path.join(dir, `wfp_food_prices_${iso3.toLowerCase()}.csv`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

// The same rows in WFP's VAM global layout: every country in one file, the country by its name
// (data/reference/wfp-country-names.csv), WFP's market and commodity ids, the month and year.
const COUNTRY_NAMES = { COL: 'Colombia', KEN: 'Kenya', NGA: 'Nigeria', ETH: 'Ethiopia', SOM: 'Somalia', YEM: 'Yemen', AFG: 'Afghanistan', BGD: 'Bangladesh', MLI: 'Mali', NER: 'Niger', TCD: 'Chad', SDN: 'Sudan', SSD: 'South Sudan', HTI: 'Haiti', MOZ: 'Mozambique', MWI: 'Malawi', ZWE: 'Zimbabwe', UGA: 'Uganda', PAK: 'Pakistan', MMR: 'Myanmar' };
function writeVamFile(dir, months) {
  const file = path.join(dir, 'wfp_vam_global.csv');
  const lines = ['adm0_id,adm0_name,adm1_id,adm1_name,mkt_id,mkt_name,cm_id,cm_name,cur_id,cur_name,pt_id,pt_name,um_id,um_name,mp_month,mp_year,mp_price,mp_commoditysource'];
  ISO3.forEach((iso3, k) => {
    for (const r of countryRows(months))
      lines.push(`${k + 1},${COUNTRY_NAMES[iso3]},${k * 100 + (r.m % 15)},Region ${r.m % 15},${k * 1000 + r.m},Market ${r.m},${r.c + 1},Commodity ${r.c} - Retail,1,XXX,15,Retail,5,KG,${r.month},${r.year},${r.price},WFP`);
  });
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

// The importing process alone: a child that boots the app and imports the files the parent wrote,
// so its peak RSS is the import's (the parent's file generation is not counted).
async function child(kind, dir, months) {
  const { createApp } = require(path.join(ROOT, 'dist', 'app.factory.js'));
  const { loadConfig } = require(path.join(ROOT, 'dist', 'config', 'app-config.js'));
  const { ImportRunner } = require(path.join(ROOT, 'dist', 'ingestion', 'import-runner.service.js'));
  const { PendingStatistics } = require(path.join(ROOT, 'dist', 'prices', 'observation-writer.service.js'));
  const app = await createApp(loadConfig({ ...process.env, LOG_LEVEL: 'error', LOAD_ARCHIVE_ON_EMPTY: 'false', LOAD_SAMPLE_TOWERS_ON_EMPTY: 'false' }), { listen: false });
  const bootRssMiB = process.memoryUsage().rss / 2 ** 20;
  try {
    const imports = app.get(ImportRunner);
    const files = readdirSync(dir).filter((f) => f.endsWith('.csv')).sort((a, b) => ISO3.indexOf(a.slice(16, 19).toUpperCase()) - ISO3.indexOf(b.slice(16, 19).toUpperCase()));
    let rows = 0;
    let importMs = 0;
    let firstMs = 0; // the first file's import, against its unchanged re-import
    const cpu0 = process.cpuUsage();
    // as `cli import <folder>` does (LocalBackend): the statistics refreshed once, after the last
    // file, and that refresh counted in the import's time
    const statistics = new PendingStatistics();
    for (const name of files) {
      const t0 = process.hrtime.bigint();
      const r = await imports.importPrices(createReadStream(path.join(dir, name)), { fileName: name, trigger: 'cli', statistics });
      const fileMs = Number(process.hrtime.bigint() - t0) / 1e6;
      if (name === files[0]) firstMs = fileMs;
      importMs += fileMs;
      if (r.run.status === 'failed') throw new Error(`${name}: ${r.run.errorMessage}`);
      rows += r.run.rowsInserted;
    }
    const t0 = process.hrtime.bigint();
    await imports.settleStatistics(statistics);
    const settleMs = Number(process.hrtime.bigint() - t0) / 1e6;
    importMs += settleMs;
    const cpu = process.cpuUsage(cpu0);
    const t1 = process.hrtime.bigint();
    const again = await imports.importPrices(createReadStream(path.join(dir, files[0])), { fileName: files[0], trigger: 'cli' });
    const rerunMs = Number(process.hrtime.bigint() - t1) / 1e6;
    const peakRssMiB = process.resourceUsage().maxRSS / 1024;
    const copyMs = kind === 'postgres' ? await copyAnchor(months) : undefined;
    console.log(JSON.stringify({ rows, importMs, settleMs, rerunRows: again.run.rowsUnchanged, rerunInserted: again.run.rowsInserted, rerunMs, firstMs, importCpuSeconds: (cpu.user + cpu.system) / 1e6, bootRssMiB, peakRssMiB, copyMs }));
  } finally {
    await app.close();
  }
}

// The anchor, in the same run on the same server: the same rows by COPY into a table with the
// observation's key (a unique index on country, commodity, date, market, source, price type, unit,
// currency) and its value columns. The COPY text is made before the clock starts: only the
// database's own work is timed.
async function copyAnchor(months) {
  const { Client } = require('pg');
  const { from: copyFrom } = require('pg-copy-streams');
  const { finished } = require('node:stream/promises');
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    await client.query(`CREATE TABLE copy_anchor (country text NOT NULL, commodity_id text NOT NULL, survey_date date NOT NULL, market_id text NOT NULL, source_id text NOT NULL, price_type text NOT NULL, unit text NOT NULL, currency text NOT NULL, value float8 NOT NULL, usd_value float8, raw_value text NOT NULL, price_flag text)`);
    await client.query('CREATE UNIQUE INDEX copy_anchor_key ON copy_anchor (country, commodity_id, survey_date, market_id, source_id, price_type, unit, currency)');
    let ms = 0;
    for (const iso3 of ISO3) {
      const lines = [];
      for (const r of countryRows(months))
        lines.push([iso3, `commodity-${r.c}`, r.date, `${iso3.toLowerCase()}-market-${r.m}`, 'wfp-hdx', 'Retail', 'KG', 'XXX', r.price, (Number(r.price) / 100).toFixed(4), r.price, 'actual'].join('\t'));
      const t0 = process.hrtime.bigint();
      const stream = client.query(copyFrom('COPY copy_anchor FROM STDIN'));
      const done = finished(stream);
      stream.end(lines.join('\n') + '\n');
      await done;
      ms += Number(process.hrtime.bigint() - t0) / 1e6;
    }
    return ms;
  } finally {
    await client.end();
  }
}

async function main() {
  if (process.argv[2] === '--child') return child(process.argv[3], process.argv[4], Number(process.argv[5]));
  const kind = process.argv[2] || 'postgres';
  const layout = process.argv[4] || 'hdx'; // hdx: a file per country; vam: one global file
  const total = Number(process.argv[3] || 3_000_000);
  const perCountry = total / ISO3.length;
  const months = Math.round(perCountry / (MARKETS * COMMODITIES));
  const dir = mkdtempSync(path.join(tmpdir(), 'wfp-bench-'));
  const db = await freshDatabase(kind);
  try {
    if (layout === 'vam') writeVamFile(dir, months);
    else for (const iso3 of ISO3) writeCountryFile(dir, iso3, months);
    const flags = (process.env.BENCH_NODE_FLAGS || '').split(' ').filter(Boolean);
    const out = execFileSync(process.execPath, [...flags, __filename, '--child', kind, dir, String(months)], { env: { ...process.env, ...db.env }, encoding: 'utf8', maxBuffer: 1 << 28 });
    if (process.env.BENCH_CHILD_OUT) writeFileSync(process.env.BENCH_CHILD_OUT, out);
    const r = JSON.parse(out.trim().split('\n').filter((l) => l.startsWith('{')).pop());
    console.log(
      JSON.stringify({
        kind,
        layout,
        countries: ISO3.length,
        markets: ISO3.length * MARKETS,
        commodities: COMMODITIES,
        months,
        rows: r.rows,
        importSeconds: r.importMs / 1000,
        statisticsSeconds: r.settleMs / 1000, // the one refresh after the last file, in importSeconds
        rowsPerSecond: r.rows / (r.importMs / 1000),
        // this process's CPU time during the import (parsing, COPY lines, the driver): the rest of
        // the wall time it waited on the database
        importCpuSeconds: r.importCpuSeconds,
        rerunRows: r.rerunRows,
        rerunInserted: r.rerunInserted,
        rerunSeconds: r.rerunMs / 1000,
        rerunRowsPerSecond: r.rerunRows / (r.rerunMs / 1000),
        bootRssMiB: r.bootRssMiB,
        peakRssMiB: r.peakRssMiB,
        // the unchanged re-import of the first file against that file's first import (target ≤ 0.5)
        rerunVsFirstImport: r.rerunMs / r.firstMs, // one file of each: the first file (hdx) or the whole file (vam)
        // PostgreSQL: the same rows by COPY into a table with the observation key, in this run,
        // and the import's speed as a share of it (the target is at least 0.8)
        ...(r.copyMs === undefined ? {} : { copySeconds: r.copyMs / 1000, importVsCopy: r.copyMs / r.importMs }),
      }),
    );
  } finally {
    await db.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = { ISO3, MARKETS, COMMODITIES, writeCountryFile, writeVamFile };

if (require.main === module)
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
