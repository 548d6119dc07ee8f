// The dashboard's figures: bundle size, page load to all charts drawn (Debian's Chromium through
// playwright-core), and the latency of every endpoint a page load calls under load.
// Usage: node bench/dashboard.cjs [pglite|postgres] [rows]
//   rows = 0 (default): the shipped archive (North Korea). rows > 0: also that many synthetic
//   WFP-shaped observations (bench/wfp-import.cjs's generator, 20 countries x 150 markets x 10
//   commodities) imported with the CLI first; the page is then loaded for the first country (COL).
// Prints one JSON line.
const { execFileSync } = require('node:child_process');
const { existsSync, mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { gzipSync } = require('node:zlib');
const autocannon = require('autocannon');
const { chromium } = require('playwright-core');
const { ROOT, freshDatabase, startServer, peakRssMiB } = require('./common.cjs');
const { ISO3, MARKETS, COMMODITIES, writeCountryFile } = require('./wfp-import.cjs');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const LOAD_S = Number(process.env.BENCH_DASHBOARD_LOAD_S || 5);
const LOADS = Number(process.env.BENCH_DASHBOARD_LOADS || 5);
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

function bundle() {
  const file = path.join(ROOT, 'web', 'dist', 'dashboard.js');
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-web.cjs')], { cwd: ROOT });
  const bytes = readFileSync(file);
  return { bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
}

// Loads the page (query) LOADS + 1 times: the first is cold (statistics computed), the rest warm.
async function pageLoads(browser, url) {
  const times = [];
  let views = {};
  for (let i = 0; i <= LOADS; i++) {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const requests = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/')) requests.push(new URL(r.url()).pathname + new URL(r.url()).search);
    });
    const t0 = Date.now();
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"],body[data-ready="error"]', { timeout: 300_000 });
    times.push(Date.now() - t0);
    if (i === LOADS) {
      for (const v of ['prices', 'dispersion', 'map', 'network', 'half-lives', 'regression']) {
        const err = await page.textContent(`#${v} .error`);
        views[v] = err ? err.slice(0, 160) : `drawn: ${await page.getAttribute(`#${v} .chart`, 'data-points')} points`;
      }
      views.requests = [...new Set(requests)];
    }
    await page.close();
  }
  return { coldMs: times[0], warmMedianMs: median(times.slice(1)), warmMaxMs: Math.max(...times.slice(1)), loads: LOADS, views };
}

// Each endpoint a page load calls, hammered alone for LOAD_S seconds by 4 connections.
async function endpointLoad(base, paths) {
  const out = {};
  for (const p of paths) {
    const r = await autocannon({ url: base + p, connections: 4, duration: LOAD_S });
    out[p] = { p50: r.latency.p50, p99: r.latency.p99, rps: r.requests.average, non2xx: r.non2xx, errors: r.errors };
  }
  return out;
}

async function main() {
  const kind = process.argv[2] || 'pglite';
  const rows = Number(process.argv[3] || 0);
  if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM} (apt-get install chromium)`);
  const result = { kind, rows, bundle: bundle() };
  const db = await freshDatabase(kind);
  const dir = mkdtempSync(path.join(tmpdir(), 'dash-bench-'));
  try {
    let query = '';
    if (rows > 0) {
      const months = Math.round(rows / ISO3.length / (MARKETS * COMMODITIES));
      const t0 = Date.now();
      for (const iso3 of ISO3) {
        const file = writeCountryFile(dir, iso3, months);
        execFileSync(process.execPath, [path.join(ROOT, 'dist', 'cli', 'main.js'), 'import', 'wfp', file], {
          cwd: ROOT,
          env: { ...process.env, ...db.env, LOG_LEVEL: 'error' },
          stdio: 'ignore',
        });
        rmSync(file);
      }
      result.importSeconds = (Date.now() - t0) / 1000;
      query = '?country=COL&commodity=commodity-0&unit=KG&priceType=retail';
    }
    const server = await startServer({ ...db.env, LOG_LEVEL: 'error' });
    try {
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
      try {
        result.page = await pageLoads(browser, `${server.url}/${query}`);
      } finally {
        await browser.close();
      }
      result.endpoints = await endpointLoad(server.url, result.page.views.requests);
      result.serverPeakRssMiB = peakRssMiB(server.serverPid());
    } finally {
      await server.stop();
    }
  } finally {
    await db.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(JSON.stringify(result));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
