// The cross-country test at scale: COUNTRIES × 60 markets × 3 series × 240 months (20 countries:
// 864,000 market-months, about 25.5 million pair-months), imported as one WFP HDX file per country
// and a subscriptions file, then analysed as a request does. Times the load from the database, each
// estimator on the loaded data (series level, pair level, per-country regressions, staggered
// adoption) and the whole request cold and warm, with the peak RSS of this process (the estimators
// run in it), and R plm's two-way within estimator on the same series-level panel in the same run.
// Usage: node bench/cross-country.cjs [pglite|postgres] [COUNTRIES]   (prints one JSON line)
require('reflect-metadata');
const { execFileSync, spawnSync } = require('node:child_process');
const { mkdtempSync, mkdirSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { ROOT, freshDatabase, peakRssMiB: peakRssMiBOf } = require('./common.cjs');

const ISO = ['KEN', 'NIC', 'LBN', 'COL', 'NER', 'MLI', 'TCD', 'SEN', 'GHA', 'NGA', 'ETH', 'UGA', 'TZA', 'RWA', 'MOZ', 'ZMB', 'MWI', 'HTI', 'PER', 'BOL', 'ECU', 'GTM', 'HND', 'SLV', 'PAK', 'AFG', 'NPL', 'LKA', 'MMR', 'KHM'];
const MARKETS = 60;
const SERIES = ['Rice', 'Maize', 'Beans'];
const MONTHS = 240;

// a seeded generator: the same files every run
let state = 20210101;
const rnd = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);

function writeFiles(dir, countries) {
  const header = 'date,admin1,admin2,market,market_id,latitude,longitude,category,commodity,commodity_id,unit,priceflag,pricetype,currency,price,usdprice';
  const subs = ['country,year,value'];
  countries.forEach((iso, c) => {
    const lines = [header];
    const mid = 2004 + (c * 12) / countries.length; // phones spread at different times
    for (let y = 1995; y <= 2021; y++) subs.push(`${iso},${y},${(95 / (1 + Math.exp(-(y - mid) / 1.6))).toFixed(3)}`);
    SERIES.forEach((name, s) => {
      const z = Array.from({ length: MARKETS }, () => rnd() - 0.5);
      for (let t = 0; t < MONTHS; t++) {
        const date = `${2001 + Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}-15`;
        const level = 4 + 0.002 * t + 0.1 * Math.sin(t / 9 + s);
        const spread = 0.3 * (1 - (0.4 * t) / MONTHS);
        for (let m = 0; m < MARKETS; m++) {
          const price = Math.exp(level + spread * z[m] + 0.04 * (rnd() - 0.5)).toFixed(4);
          lines.push(`${date},Region ${m % 5},District,${iso} Market ${m},${1000 * (c + 1) + m},,,cereals and tubers,${name},${s + 1},KG,actual,Retail,${iso.slice(0, 2)}C,${price},`);
        }
      }
    });
    writeFileSync(path.join(dir, 'prices', `wfp_food_prices_${iso.toLowerCase()}.csv`), lines.join('\n') + '\n');
  });
  writeFileSync(path.join(dir, 'subscriptions.csv'), subs.join('\n') + '\n');
}

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

async function main() {
  const kind = process.argv[2] || 'pglite';
  const count = Number(process.argv[3] || 20);
  const countries = ISO.slice(0, count);
  const dir = mkdtempSync(path.join(tmpdir(), 'nkmt-cc-'));
  mkdirSync(path.join(dir, 'prices'));
  writeFiles(dir, countries);
  const db = await freshDatabase(kind);
  const cli = (...args) => execFileSync(process.execPath, [path.join(ROOT, 'dist', 'cli', 'main.js'), ...args], { env: { ...process.env, ...db.env, LOAD_SHIPPED_COUNTRIES: 'false' }, stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    let t0 = process.hrtime.bigint();
    cli('import', path.join(dir, 'prices'));
    cli('import', 'subscriptions', path.join(dir, 'subscriptions.csv'));
    const importMs = ms(t0);

    const { createApp } = require(path.join(ROOT, 'dist', 'app.factory.js'));
    const { loadConfig } = require(path.join(ROOT, 'dist', 'config', 'app-config.js'));
    const { PricesService } = require(path.join(ROOT, 'dist', 'prices', 'prices.service.js'));
    const { CoverageService } = require(path.join(ROOT, 'dist', 'coverage', 'coverage.service.js'));
    const { CrossCountryService } = require(path.join(ROOT, 'dist', 'analysis', 'cross-country', 'cross-country.service.js'));
    const { buildCrossCountryPanel } = require(path.join(ROOT, 'dist', 'analysis', 'cross-country', 'cross-country-panel.js'));
    const E = require(path.join(ROOT, 'dist', 'analysis', 'cross-country', 'cross-country-estimators.js'));
    const { pairLevelTwfe } = require(path.join(ROOT, 'dist', 'analysis', 'cross-country', 'pair-level.js'));
    const { adoptionMonths } = require(path.join(ROOT, 'dist', 'analysis', 'cross-country', 'adoption.js'));
    const { eventStudyTwfe } = require(path.join(ROOT, 'dist', 'analysis', 'cross-country', 'event-study.js'));
    const { callawaySantAnna } = require(path.join(ROOT, 'dist', 'analysis', 'cross-country', 'callaway-santanna.js'));
    const { panelCsv } = require(path.join(ROOT, 'dist', 'analysis', 'cross-country', 'cross-country-csv.js'));
    // the estimators in this process, so that its peak RSS is theirs (ANALYSIS_THREADS=0)
    const app = await createApp(loadConfig({ ...db.env, LOG_LEVEL: 'error', ANALYSIS_THREADS: '0', LOAD_SHIPPED_COUNTRIES: 'false' }), { listen: false });
    try {
      const options = { minMarkets: 3, minMonths: 24, measure: 'meanAbsLogDiff', bootstrap: 999, seed: 1, threshold: 10 };
      t0 = process.hrtime.bigint();
      const series = await app.get(PricesService).monthlySeries({ countries });
      const subscriptions = await app.get(CoverageService).subscriptionsOf(countries);
      const loadMs = ms(t0);
      t0 = process.hrtime.bigint();
      const panel = buildCrossCountryPanel(series, subscriptions, options);
      const panelMs = ms(t0);
      t0 = process.hrtime.bigint();
      const seriesLevel = E.twfeSeriesLevel(panel.rows, options);
      const seriesLevelMs = ms(t0);
      t0 = process.hrtime.bigint();
      const pairLevel = pairLevelTwfe(panel, options);
      const pairLevelMs = ms(t0);
      t0 = process.hrtime.bigint();
      E.perCountryEstimates(panel);
      const perCountryMs = ms(t0);
      t0 = process.hrtime.bigint();
      const last = panel.rows.reduce((m, r) => (r.month > m ? r.month : m), '');
      const adoption = adoptionMonths(subscriptions, panel.countries, 10, last);
      eventStudyTwfe(panel.rows, adoption);
      callawaySantAnna(panel.rows, adoption);
      const staggeredMs = ms(t0);
      const service = app.get(CrossCountryService);
      t0 = process.hrtime.bigint();
      const answer = await service.analyse({ countries });
      const requestColdMs = ms(t0);
      t0 = process.hrtime.bigint();
      await service.analyse({ countries });
      const requestWarmMs = ms(t0);
      const peakRssMiB = peakRssMiBOf(process.pid);

      // R plm on the same series-level panel, when R is installed
      let plm = null;
      if (spawnSync('Rscript', ['--version']).status === 0) {
        const file = path.join(dir, 'panel.csv');
        writeFileSync(file, panelCsv(answer));
        const code = `suppressPackageStartupMessages(library(plm)); d <- read.csv("${file}"); t <- system.time({ m <- plm(d ~ subscriptionsPer100, data = pdata.frame(d, index = c("series", "month")), model = "within", effect = "twoways") })[["elapsed"]]; cat(sprintf('{"seconds":%.4f,"estimate":%.12g}', t, coef(m)[[1]]))`;
        plm = JSON.parse(execFileSync('Rscript', ['-e', code], { encoding: 'utf8' }));
      }
      console.log(
        JSON.stringify({
          kind,
          countries: count,
          marketMonths: series.reduce((s, x) => s + x.price.length, 0),
          seriesMonths: panel.rows.length,
          pairMonths: pairLevel.n,
          importMs: Math.round(importMs),
          loadMs: Math.round(loadMs),
          panelMs: Math.round(panelMs),
          seriesLevelMs: Math.round(seriesLevelMs),
          pairLevelMs: Math.round(pairLevelMs),
          perCountryMs: Math.round(perCountryMs),
          staggeredMs: Math.round(staggeredMs),
          requestColdMs: Math.round(requestColdMs),
          requestWarmMs: Math.round(requestWarmMs * 100) / 100,
          peakRssMiB: Math.round(peakRssMiB),
          seriesLevelEstimate: seriesLevel.estimate,
          pairLevelEstimate: pairLevel.estimate,
          plm,
        }),
      );
    } finally {
      await app.close();
    }
  } finally {
    await db.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
