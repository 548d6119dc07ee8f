// The country-scale benchmark of issue 8, side by side on PGlite and PostgreSQL in one run:
// a deterministic synthetic data set in the exact WFP/HDX CSV shape with the dimensions
// (3,000,000 observations, 20 countries of unequal size, 3,000 markets, 50 commodities, monthly
// 2000-01 to 2025-12), then for each database:
//   1. the import (the path of the CLI and the API: ImportRunner, one transaction per file) in a
//      child process that does nothing else: rate, peak RSS (bench/wfp-import.cjs's child);
//   2. the server (node dist/main.js) on that database:
//      - dispersion for every country and commodity (1,000 series), one request after another;
//      - the pair regression of the largest country's biggest commodity: every market (a 400 past
//        ANALYSIS_MAX_PAIRS) and then its first 100 markets (4,950 pairs), bootstrap off;
//      - GET /api/observations?country=&commodity= (a page of 500) under load (autocannon);
//      - the server's RSS after all that, and its peak.
// Each market sells rice and 3 of the 49 other commodities, each for 250 consecutive months
// starting in its first 63 months: 3,000 x 4 x 250 = 3,000,000 rows. Subscriptions per 100 people
// (a long country,year,value file) are imported for the 20 countries, as coverage=national needs.
// Usage: node bench/country-scale.cjs [pglite|postgres|both]   (default both)
require('reflect-metadata');
const { execFileSync } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const autocannon = require('autocannon');
const { ROOT, freshDatabase, startServer } = require('./common.cjs');
const { ISO3 } = require('./wfp-import.cjs');

const MARKETS = 3000;
const COMMODITIES = 50;
const MONTHS = 312; // 2000-01 .. 2025-12
const SPAN = 250; // months a market reports one commodity
const PER_MARKET = 4; // rice and 3 others
const LOAD_S = Number(process.env.BENCH_LOAD_S || 10);

// Markets per country: proportional to 20, 19, ..., 1 (the first country is the largest).
function countrySizes() {
  const w = ISO3.map((_, i) => ISO3.length - i);
  const total = w.reduce((a, b) => a + b, 0);
  const sizes = w.map((x) => Math.round((MARKETS * x) / total));
  sizes[0] += MARKETS - sizes.reduce((a, b) => a + b, 0);
  return sizes;
}

const commodityName = (c) => (c === 0 ? 'Rice (imported)' : `Commodity ${String(c).padStart(2, '0')}`);
const monthDate = (t) => `${2000 + Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}-15`;

function writeFiles(dir) {
  const sizes = countrySizes();
  let g = 0; // global market index
  let rows = 0;
  ISO3.forEach((iso3, ci) => {
    const markets = [];
    for (let m = 0; m < sizes[ci]; m++, g++) {
      const others = [0, 1, 2].map((k) => ((g * 7 + k * 17) % (COMMODITIES - 1)) + 1);
      const series = [0, ...others].map((c, k) => ({ c, start: (g * 5 + k * 11) % (MONTHS - SPAN + 1) }));
      markets.push({ m, g, series });
    }
    const lines = [
      'date,admin1,admin2,market,latitude,longitude,category,commodity,unit,priceflag,pricetype,currency,price,usdprice',
      '#date,#adm1+name,#adm2+name,#loc+market+name,#geo+lat,#geo+lon,#item+type,#item+name,#item+unit,#item+price+flag,#item+price+type,#currency+code,#value,#value+usd',
    ];
    for (let t = 0; t < MONTHS; t++) {
      const date = monthDate(t);
      for (const { m, g: gm, series } of markets) {
        for (const { c, start } of series) {
          if (t < start || t >= start + SPAN) continue;
          // a common trend, a market level that fades over time (convergence), and a wobble
          const level = 1 + (0.3 * ((gm % 17) - 8)) / 8 * Math.exp(-t / 150);
          const price = (50 + 10 * c) * (1 + 0.004 * t) * level * (1 + 0.03 * Math.sin(t * 0.7 + gm + c));
          lines.push(`${date},Region ${m % 12},District ${m},Market ${m},${((m % 40) - 20) / 10 + 5},${((m % 50) - 25) / 10 + 30},cereals and tubers,${commodityName(c)},KG,actual,Retail,XXX,${price.toFixed(2)},${(price / 1000).toFixed(4)}`);
          rows++;
        }
      }
    }
    writeFileSync(path.join(dir, `wfp_food_prices_${iso3.toLowerCase()}.csv`), lines.join('\n') + '\n');
  });
  const subs = ['country,year,value'];
  ISO3.forEach((iso3, ci) => {
    for (let y = 2000; y <= 2025; y++) subs.push(`${iso3},${y},${(110 / (1 + Math.exp(-(y - 2010 - ci / 4) / 2.5))).toFixed(2)}`);
  });
  // beside the price files' folder, which the importing child reads whole
  writeFileSync(`${dir}-subscriptions.csv`, subs.join('\n') + '\n');
  return { rows, sizes };
}

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

async function timed(url) {
  const t0 = process.hrtime.bigint();
  const res = await fetch(url);
  const body = await res.text();
  return { status: res.status, ms: Number(process.hrtime.bigint() - t0) / 1e6, body };
}

const rssOf = (pid) => {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)[1]) / 1024;
  return { rssMiB: kb('VmRSS'), peakMiB: kb('VmHWM') };
};

async function measure(kind, dir, sizes) {
  const db = await freshDatabase(kind);
  try {
    // 1. the import, alone in its own process
    const out = execFileSync(process.execPath, [path.join(__dirname, 'wfp-import.cjs'), '--child', kind, dir], { cwd: ROOT, env: { ...process.env, ...db.env }, encoding: 'utf8', maxBuffer: 1 << 24 });
    const imported = JSON.parse(out.trim().split('\n').pop());
    execFileSync(process.execPath, ['dist/cli/main.js', 'import', 'subscriptions', `${dir}-subscriptions.csv`], { cwd: ROOT, env: { ...process.env, ...db.env, LOG_LEVEL: 'error' }, encoding: 'utf8' });

    // 2. the server on that database
    const server = await startServer({ ...db.env, LOG_LEVEL: 'error', LOAD_ARCHIVE_ON_EMPTY: 'false', LOAD_SAMPLE_TOWERS_ON_EMPTY: 'false' });
    try {
      const pid = server.serverPid();
      const afterStart = rssOf(pid);
      const dispersion = [];
      let dispersionFailed = 0;
      const t0 = process.hrtime.bigint();
      for (const iso3 of ISO3) {
        const commodities = JSON.parse((await timed(`${server.url}/api/commodities?country=${iso3}`)).body);
        for (const c of commodities) {
          const r = await timed(`${server.url}/api/analysis/dispersion?country=${iso3}&commodity=${c.id}`);
          if (r.status !== 200) dispersionFailed++;
          dispersion.push(r.ms);
        }
      }
      const dispersionAllMs = Number(process.hrtime.bigint() - t0) / 1e6;
      const afterDispersion = rssOf(pid);

      const largest = ISO3[0];
      const rice = 'rice-imported';
      const markets = JSON.parse((await timed(`${server.url}/api/markets?country=${largest}`)).body).map((m) => m.id).sort();
      const all = await timed(`${server.url}/api/analysis/pair-regression?country=${largest}&commodity=${rice}&bootstrap=0`);
      const some = markets.slice(0, 100);
      const hundred = await timed(`${server.url}/api/analysis/pair-regression?country=${largest}&commodity=${rice}&bootstrap=0&markets=${some.join(',')}`);
      const hundredBody = hundred.status === 200 ? JSON.parse(hundred.body) : null;
      const afterRegression = rssOf(pid);

      const load = await autocannon({ url: `${server.url}/api/observations?country=${largest}&commodity=${rice}&limit=500`, connections: 10, duration: LOAD_S });
      const end = rssOf(pid);
      return {
        kind,
        rows: imported.rows,
        countries: ISO3.length,
        markets: MARKETS,
        commodities: COMMODITIES,
        months: MONTHS,
        importSeconds: imported.importMs / 1000,
        importRowsPerSecond: imported.rows / (imported.importMs / 1000),
        importPeakRssMiB: imported.peakRssMiB,
        importBootRssMiB: imported.bootRssMiB,
        serverStartMs: server.startMs,
        serverRssAfterStartMiB: afterStart.rssMiB,
        dispersionSeries: dispersion.length,
        dispersionFailed,
        dispersionAllSeconds: dispersionAllMs / 1000,
        dispersionP50Ms: quantile(dispersion, 0.5),
        dispersionP99Ms: quantile(dispersion, 0.99),
        pairRegressionLargest: { country: largest, markets: sizes[0], status: all.status, ms: all.ms, message: all.status === 200 ? null : JSON.parse(all.body).message },
        pairRegression100: {
          markets: 100,
          status: hundred.status,
          ms: hundred.ms,
          pairs: hundredBody?.result?.pairs ?? null,
          pairDates: hundredBody?.result?.n ?? null,
          coverage: hundredBody?.result?.coefficients?.find((c) => c.name === 'coverage') ?? null,
          message: hundred.status === 200 ? null : JSON.parse(hundred.body).message,
        },
        serverRssAfterDispersionMiB: afterDispersion.rssMiB,
        serverPeakBeforeRegressionMiB: afterDispersion.peakMiB,
        serverRssAfterRegressionMiB: afterRegression.rssMiB,
        serverPeakAfterRegressionMiB: afterRegression.peakMiB,
        observationsLoad: { connections: 10, seconds: LOAD_S, p50Ms: load.latency.p50, p99Ms: load.latency.p99, reqPerSec: load.requests.average, non2xx: load.non2xx, errors: load.errors },
        serverRssEndMiB: end.rssMiB,
        serverPeakRssMiB: end.peakMiB,
      };
    } finally {
      await server.stop();
    }
  } finally {
    await db.cleanup();
  }
}

async function main() {
  const which = process.argv[2] || 'both';
  const kinds = which === 'both' ? ['pglite', 'postgres'] : [which];
  const dir = mkdtempSync(path.join(tmpdir(), 'country-scale-'));
  try {
    const { rows, sizes } = writeFiles(dir);
    console.error(`[country-scale] ${rows} rows, markets per country ${sizes.join(', ')}`);
    for (const kind of kinds) {
      console.error(`[country-scale] ${kind}`);
      console.log(JSON.stringify(await measure(kind, dir, sizes)));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(`${dir}-subscriptions.csv`, { force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
