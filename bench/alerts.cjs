// Price alerts at country scale: one country with MARKETS × COMMODITIES monthly series over 240
// months (200 × 60 × 240 = 2,880,000 rows by default), imported as one WFP HDX file, then alerts
// for every series (GET /api/analysis/alerts/summary's work, cold: a fresh application) and one
// series' alerts warm (cached), p50 and p99 of 200 calls. Prints one JSON line.
// Usage: node bench/alerts.cjs [pglite|postgres] [MARKETS] [COMMODITIES]
require('reflect-metadata');
const { execFileSync } = require('node:child_process');
const { mkdtempSync, rmSync, createWriteStream } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { ROOT, freshDatabase } = require('./common.cjs');

let state = 7;
const rnd = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

async function writeFile(file, markets, commodities) {
  const out = createWriteStream(file);
  const write = (s) => (out.write(s) ? undefined : new Promise((r) => out.once('drain', r)));
  await write('date,admin1,admin2,market,market_id,latitude,longitude,category,commodity,commodity_id,unit,priceflag,pricetype,currency,price,usdprice\n');
  for (let c = 0; c < commodities; c++)
    for (let m = 0; m < markets; m++) {
      const base = 50 + 100 * rnd();
      for (let t = 0; t < 240; t++) {
        const date = `${2001 + Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}-15`;
        const p = base * (1 + 0.003 * t) * (1 + 0.05 * Math.sin((2 * Math.PI * t) / 12)) * (1 + 0.04 * (rnd() - 0.5));
        await write(`${date},Region ${m % 8},District,Market ${m},${m + 1},,,cereals and tubers,Item ${c},${c + 1},KG,actual,Retail,KES,${p.toFixed(2)},\n`);
      }
    }
  await new Promise((r) => out.end(r));
}

async function main() {
  const kind = process.argv[2] || 'pglite';
  const markets = Number(process.argv[3] || 200);
  const commodities = Number(process.argv[4] || 60);
  const dir = mkdtempSync(path.join(tmpdir(), 'nkmt-alerts-'));
  const file = path.join(dir, 'wfp_food_prices_ken.csv');
  await writeFile(file, markets, commodities);
  const db = await freshDatabase(kind);
  try {
    let t0 = process.hrtime.bigint();
    execFileSync(process.execPath, [path.join(ROOT, 'dist', 'cli', 'main.js'), 'import', file], { env: { ...process.env, ...db.env, LOAD_SHIPPED_COUNTRIES: 'false' }, stdio: ['ignore', 'ignore', 'inherit'] });
    const importMs = ms(t0);
    const { createApp } = require(path.join(ROOT, 'dist', 'app.factory.js'));
    const { loadConfig } = require(path.join(ROOT, 'dist', 'config', 'app-config.js'));
    const { AlertsService } = require(path.join(ROOT, 'dist', 'analysis', 'alerts', 'alerts.service.js'));
    const app = await createApp(loadConfig({ ...db.env, LOG_LEVEL: 'error', LOAD_SHIPPED_COUNTRIES: 'false' }), { listen: false });
    try {
      const alerts = app.get(AlertsService);
      t0 = process.hrtime.bigint();
      const summary = await alerts.summary('KEN');
      const summaryColdMs = ms(t0);
      t0 = process.hrtime.bigint();
      await alerts.alerts({ country: 'KEN', commodity: 'item-0' });
      const oneColdMs = ms(t0);
      const warm = [];
      for (let i = 0; i < 200; i++) {
        const s = process.hrtime.bigint();
        await alerts.alerts({ country: 'KEN', commodity: 'item-0' });
        warm.push(ms(s));
      }
      warm.sort((a, b) => a - b);
      console.log(JSON.stringify({ kind, rows: markets * commodities * 240, series: summary.series.length, markets: markets * commodities, importMs: Math.round(importMs), summaryColdMs: Math.round(summaryColdMs), oneSeriesColdMs: Math.round(oneColdMs), warmP50Ms: warm[100], warmP99Ms: warm[197] }));
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
