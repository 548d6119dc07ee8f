// npm run bench: the figures in BENCHMARKS.md. Runs on PGlite and, when reachable, on the
// PostgreSQL server (BENCH_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/test).
// Writes bench/out/results.json and prints a Markdown summary.
const { execFileSync } = require('node:child_process');
const { existsSync, mkdirSync, writeFileSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const autocannon = require('autocannon');
const { Client } = require('pg');
const { ROOT, freshDatabase, startServer, peakRssMiB } = require('./common.cjs');

const DURATION = Number(process.env.BENCH_DURATION_S || 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 10);

async function postgresReachable() {
  const c = new Client({ connectionString: process.env.BENCH_POSTGRES_URL || 'postgresql://postgres@127.0.0.1:5432/test' });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

async function load(url) {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: DURATION });
  return { p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max, rps: r.requests.average, errors: r.errors, non2xx: r.non2xx };
}

async function serverPhase(kind) {
  const db = await freshDatabase(kind);
  try {
    const first = await startServer(db.env); // empty database: migrate + reference data + archive
    const obsUrl = `${first.url}/api/observations?commodity=rice&limit=500`;
    const dispUrl = `${first.url}/api/analysis/dispersion?commodity=rice`;
    // one warm-up request each
    await (await fetch(obsUrl)).json();
    await (await fetch(dispUrl)).json();
    const observations = await load(obsUrl);
    const dispersion = await load(dispUrl);
    const peak = peakRssMiB(first.serverPid());
    await first.stop();
    const second = await startServer(db.env); // existing database
    await second.stop();
    return { firstStartMs: first.startMs, restartMs: second.startMs, observations, dispersion, serverPeakRssMiB: peak };
  } finally {
    await db.cleanup();
  }
}

const START_REPEATS = Number(process.env.BENCH_START_REPEATS || 3);
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

// Start-up is noisy (most of a first start is PGlite creating its cluster): repeated, median and max.
async function startPhase(kind, command) {
  const empty = [];
  const existing = [];
  for (let i = 0; i < START_REPEATS; i++) {
    const db = await freshDatabase(kind);
    try {
      const a = await startServer(db.env, command);
      await a.stop();
      const b = await startServer(db.env, command);
      await b.stop();
      empty.push(a.startMs);
      existing.push(b.startMs);
    } finally {
      await db.cleanup();
    }
  }
  return { emptyMedianMs: median(empty), emptyMaxMs: Math.max(...empty), existingMedianMs: median(existing), existingMaxMs: Math.max(...existing), repeats: START_REPEATS };
}

function childPhase(script, kind) {
  const out = execFileSync(process.execPath, [path.join(__dirname, script), kind], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop());
}

const f = (x, d = 1) => (x === null || x === undefined ? 'n/a' : Number(x).toFixed(d));

async function main() {
  const kinds = ['pglite'];
  if (await postgresReachable()) kinds.push('postgres');
  else console.error('PostgreSQL server not reachable: benchmarking PGlite only');
  const results = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGiB: os.totalmem() / 2 ** 30, node: process.version },
    settings: { durationS: DURATION, connections: CONNECTIONS },
    npmStart: await startPhase('pglite', ['npm', ['start', '--silent']]),
    byDatabase: {},
  };
  for (const kind of kinds) {
    console.error(`[bench] ${kind}: server`);
    const server = await serverPhase(kind);
    server.starts = await startPhase(kind);
    console.error(`[bench] ${kind}: ingest`);
    const ingest = childPhase('ingest.cjs', kind);
    console.error(`[bench] ${kind}: coverage`);
    const coverage = childPhase('coverage.cjs', kind);
    console.error(`[bench] ${kind}: geometry load`);
    const geometryLoad = childPhase('geometry-load.cjs', kind);
    console.error(`[bench] ${kind}: convergence report`);
    const report = childPhase('report.cjs', kind);
    results.byDatabase[kind] = { server, ingest, coverage, geometryLoad, report };
  }
  // the country-scale import (bench/wfp-import.cjs, 3,000,000 rows per database) takes minutes:
  // run it alone, BENCH_WFP_ROWS rows (0 skips it)
  const wfpRows = Number(process.env.BENCH_WFP_ROWS ?? 0);
  if (wfpRows > 0)
    results.wfpImport = kinds.map((kind) =>
      JSON.parse(execFileSync(process.execPath, [path.join(__dirname, 'wfp-import.cjs'), kind, String(wfpRows)], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').pop()),
    );
  // the issue's country-scale set (bench/country-scale.cjs: import, every dispersion, the largest
  // pair regression, observations under load, per database) takes minutes: BENCH_COUNTRY_SCALE=1
  if (process.env.BENCH_COUNTRY_SCALE === '1') {
    console.error('[bench] country scale');
    results.countryScale = execFileSync(process.execPath, [path.join(__dirname, 'country-scale.cjs'), kinds.length > 1 ? 'both' : kinds[0]], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 })
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
  }
  // the dashboard in Chromium (skipped without a browser): bundle, page load, its endpoints' latency
  if (existsSync(process.env.CHROMIUM_PATH || '/usr/bin/chromium')) {
    console.error('[bench] dashboard');
    const dashRows = Number(process.env.BENCH_DASHBOARD_ROWS ?? 0);
    results.dashboard = [['pglite', 0], ...(kinds.includes('postgres') && dashRows > 0 ? [['postgres', dashRows]] : [])].map(([kind, rows]) =>
      JSON.parse(execFileSync(process.execPath, [path.join(__dirname, 'dashboard.cjs'), kind, String(rows)], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 }).trim().split('\n').pop()),
    );
  } else console.error('[bench] no Chromium: dashboard figures skipped');
  // the cross-country test at 20 countries × 60 markets × 3 series × 240 months (about 25 million
  // pair-months) per database, with R plm on the series level: minutes, so BENCH_CROSS_COUNTRY
  // countries (default 20; 0 skips it)
  const ccCountries = Number(process.env.BENCH_CROSS_COUNTRY ?? 20);
  if (ccCountries > 0) {
    console.error('[bench] cross-country');
    results.crossCountry = kinds.map((kind) =>
      JSON.parse(execFileSync(process.execPath, [path.join(__dirname, 'cross-country.cjs'), kind, String(ccCountries)], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 }).trim().split('\n').pop()),
    );
  }
  // price alerts at country scale (bench/alerts.cjs: 200 markets × 60 commodities × 240 months =
  // 2,880,000 rows per database): BENCH_ALERTS_MARKETS markets (default 200; 0 skips it)
  const alertMarkets = Number(process.env.BENCH_ALERTS_MARKETS ?? 200);
  if (alertMarkets > 0) {
    console.error('[bench] price alerts');
    results.alerts = kinds.map((kind) =>
      JSON.parse(execFileSync(process.execPath, [path.join(__dirname, 'alerts.cjs'), kind, String(alertMarkets), '60'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 }).trim().split('\n').pop()),
    );
  }
  console.error('[bench] pair regression (and R plm where installed)');
  const prOut = execFileSync(process.execPath, [path.join(__dirname, 'pair-regression.cjs')], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 });
  results.pairRegression = prOut.trim().split('\n').map((l) => JSON.parse(l));
  console.error('[bench] parse throughput');
  results.parse = execFileSync(process.execPath, [path.join(__dirname, 'parse.cjs')], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').map((l) => JSON.parse(l));
  mkdirSync(path.join(__dirname, 'out'), { recursive: true });
  writeFileSync(path.join(__dirname, 'out', 'results.json'), JSON.stringify(results, null, 2));

  const lines = [];
  lines.push(`Run ${results.date} on ${results.machine.cpus} × ${results.machine.cpuModel}, ${f(results.machine.memGiB, 0)} GiB, Node ${results.machine.node}; load: autocannon, ${CONNECTIONS} connections, ${DURATION} s per endpoint.`);
  lines.push('');
  const ns = results.npmStart;
  lines.push(`\`npm start\` (build check + start) to first served request, ${ns.repeats} runs: empty data folder median ${f(ns.emptyMedianMs, 0)} ms (max ${f(ns.emptyMaxMs, 0)}), existing median ${f(ns.existingMedianMs, 0)} ms (max ${f(ns.existingMaxMs, 0)})`);
  lines.push('');
  lines.push('| measure | ' + kinds.join(' | ') + ' |');
  lines.push('|---|' + kinds.map(() => '---').join('|') + '|');
  const row = (label, get) => lines.push(`| ${label} | ${kinds.map((k) => get(results.byDatabase[k])).join(' | ')} |`);
  row('start to first request, empty database (node dist/main.js; migrate, reference data, archive): median (max)', (r) => `${f(r.server.starts.emptyMedianMs, 0)} (${f(r.server.starts.emptyMaxMs, 0)}) ms`);
  row('start to first request, existing database: median (max)', (r) => `${f(r.server.starts.existingMedianMs, 0)} (${f(r.server.starts.existingMaxMs, 0)}) ms`);
  row('GET /api/observations?commodity=rice&limit=500: p50 / p99', (r) => `${f(r.server.observations.p50)} / ${f(r.server.observations.p99)} ms (${f(r.server.observations.rps, 0)} req/s)`);
  row('GET /api/analysis/dispersion?commodity=rice (whole history): p50 / p99', (r) => `${f(r.server.dispersion.p50)} / ${f(r.server.dispersion.p99)} ms (${f(r.server.dispersion.rps, 0)} req/s)`);
  row('errors / non-2xx during load', (r) => `${r.server.observations.errors + r.server.dispersion.errors} / ${r.server.observations.non2xx + r.server.dispersion.non2xx}`);
  row('server peak RSS (VmHWM) after the load', (r) => `${f(r.server.serverPeakRssMiB, 0)} MiB`);
  row('ingest of synthetic observations: first write (all new)', (r) => `${r.ingest.rows} rows in ${f(r.ingest.insertMs / 1000, 2)} s = ${f(r.ingest.insertRowsPerSec, 0)} rows/s`);
  row('ingest re-run of the same rows (all unchanged)', (r) => `${f(r.ingest.rerunMs / 1000, 2)} s = ${f(r.ingest.rerunRowsPerSec, 0)} rows/s`);
  row('ingest process peak RSS', (r) => `${f(r.ingest.peakRssMiB, 0)} MiB`);
  row('tower import, 100,000 OpenCelliD rows (validate, de-duplicate, one transaction)', (r) => `${f(r.coverage.importMs / 1000, 2)} s = ${f(r.coverage.importRowsPerSec, 0)} rows/s (${r.coverage.imported} towers, ${r.coverage.merged} merged)`);
  row('coverage of every market at every survey date (load towers + distances + lookups)', (r) => `${f(r.coverage.allMarketsAllDatesMs, 0)} ms (${r.coverage.markets} markets × ${r.coverage.dates} dates)`);
  row('area share over time, Pyongyang 10 km circle', (r) => `${f(r.coverage.areaShareMs, 0)} ms (${r.coverage.areaShareSteps} steps)`);
  row('coverage process peak RSS', (r) => `${f(r.coverage.peakRssMiB, 0)} MiB`);
  row('another client while one hammers POST /api/coverage/area-share (country polygon, 2 in flight): /api/health p50 / p99, quiet → hammered', (r) => `${f(r.geometryLoad.quiet.health.p50)} / ${f(r.geometryLoad.quiet.health.p99)} → ${f(r.geometryLoad.loaded.health.p50)} / ${f(r.geometryLoad.loaded.health.p99)} ms`);
  row('the same for /api/observations?commodity=rice&limit=500', (r) => `${f(r.geometryLoad.quiet.observations.p50)} / ${f(r.geometryLoad.quiet.observations.p99)} → ${f(r.geometryLoad.loaded.observations.p50)} / ${f(r.geometryLoad.loaded.observations.p99)} ms`);
  row('convergence report for rice (bootstrap 999), in process: cold / warm, and trips into the prices service', (r) => `${f(r.report.coldMedianMs, 0)} / ${f(r.report.warmMedianMs, 0)} ms (median of ${r.report.repeats}); ${r.report.coldTrips} / ${r.report.warmTrips} trips`);
  row('area requests answered during the hammering (median time, in the worker thread)', (r) => `${r.geometryLoad.geometry.completed} (${f(r.geometryLoad.geometry.medianMs, 0)} ms; ${r.geometryLoad.geometry.busy503} × 503)`);
  lines.push('');
  lines.push('Pair regression, 500 pairs, unbalanced (about 9 % of pair-dates missing), two regressors; JS = this project (median of 3-5 runs, data in memory), R = plm within + vcovHC(type = "sss", cluster = "group") timed by system.time (excludes reading the CSV):');
  lines.push('');
  lines.push('| rows | JS pair FE + clustered SE | R plm, same | JS pair + date FE + clustered SE | R plm twoways, same | coefficient JS / R | note |');
  lines.push('|---|---|---|---|---|---|---|');
  for (const r of results.pairRegression) {
    lines.push(`| ${r.rows} | ${f(r.jsOneWayMs)} ms | ${r.rOneWayMs === null ? 'n/a' : f(r.rOneWayMs, 0) + ' ms'} | ${f(r.jsTwoWayMs)} ms | ${r.rTwoWayMs === null ? 'n/a' : f(r.rTwoWayMs, 0) + ' ms'} | ${r.coefX.toFixed(10)} / ${r.rCoefX === null ? 'n/a' : Number(r.rCoefX).toFixed(10)} | ${r.rNote ?? ''} |`);
  }
  for (const d of results.dashboard ?? []) {
    lines.push('', `Dashboard on ${d.kind}${d.rows ? ` with ${d.rows} synthetic WFP rows (import ${f(d.importSeconds, 0)} s)` : ' (shipped archive)'}: bundle ${f(d.bundle.bytes / 1024, 0)} kB (${f(d.bundle.gzipBytes / 1024, 0)} kB gzipped); page load to all charts drawn: cold ${d.page.coldMs} ms, warm median ${d.page.warmMedianMs} ms (max ${d.page.warmMaxMs}, ${d.page.loads} loads); server peak RSS ${f(d.serverPeakRssMiB, 0)} MiB.`, '');
    lines.push('| view | ' + Object.keys(d.page.views).filter((v) => v !== 'requests').join(' | ') + ' |');
    lines.push('|---|' + Object.keys(d.page.views).filter((v) => v !== 'requests').map(() => '---').join('|') + '|');
    lines.push('| | ' + Object.entries(d.page.views).filter(([v]) => v !== 'requests').map(([, t]) => t).join(' | ') + ' |', '');
    lines.push('| endpoint the page calls (4 connections, alone) | p50 ms | p99 ms | req/s | non-2xx |', '|---|---|---|---|---|');
    for (const [url, e] of Object.entries(d.endpoints)) lines.push(`| \`${url}\` | ${f(e.p50, 0)} | ${f(e.p99, 0)} | ${f(e.rps, 0)} | ${e.non2xx} |`);
  }
  if (results.crossCountry) {
    lines.push('', '| cross-country (bench/cross-country.cjs) | countries | pair-months | load ms | series level ms | pair level ms | per-country ms | request cold / warm ms | peak RSS MiB | R plm series level ms |', '|---|---|---|---|---|---|---|---|---|---|');
    for (const c of results.crossCountry)
      lines.push(`| ${c.kind} | ${c.countries} | ${c.pairMonths} | ${c.loadMs} | ${c.panelMs + c.seriesLevelMs} | ${c.pairLevelMs} | ${c.perCountryMs} | ${c.requestColdMs} / ${c.requestWarmMs} | ${c.peakRssMiB} | ${c.plm ? f(c.plm.seconds * 1000, 0) : 'no R'} |`);
  }
  if (results.alerts) {
    lines.push('', '| price alerts (bench/alerts.cjs) | rows | market series | import ms | every series cold ms | one series cold ms | warm p50 / p99 ms |', '|---|---|---|---|---|---|---|');
    for (const a of results.alerts) lines.push(`| ${a.kind} | ${a.rows} | ${a.markets} | ${a.importMs} | ${a.summaryColdMs} | ${a.oneSeriesColdMs} | ${f(a.warmP50Ms, 2)} / ${f(a.warmP99Ms, 2)} |`);
  }
  lines.push('', '| adapter | pages/s | MB/s | bytes/page | rows/page |', '|---|---|---|---|---|');
  for (const p of results.parse) lines.push(`| ${p.source} | ${f(p.pagesPerSecond, 0)} | ${f(p.mbPerSecond, 1)} | ${p.bytesPerPage} | ${f(p.rowsPerPage, 1)} |`);
  console.log(lines.join('\n'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
