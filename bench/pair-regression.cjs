// Pair regression speed: pair fixed effects (within transformation) with errors clustered by pair,
// and pair + date fixed effects (alternating projections), on synthetic unbalanced panels of
// 10,000, 100,000 and 1,000,000 pair-dates; the same in R plm when Rscript is installed.
// Prints one JSON line per size. Usage: node bench/pair-regression.cjs [sizes...]
const { execFileSync } = require('node:child_process');
const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { ROOT } = require('./common.cjs');
const pr = require(path.join(ROOT, 'dist', 'analysis', 'stats', 'panel-regression.js'));

function panel(n) {
  const pairs = 500;
  const dates = Math.ceil((n / pairs) * 1.1);
  const r = pr.seededRandom(n);
  const pair = new Int32Array(n), date = new Int32Array(n), x = new Float64Array(n), xd = new Float64Array(n), y = new Float64Array(n);
  let i = 0;
  for (let d = 0; d < dates && i < n; d++) {
    for (let p = 0; p < pairs && i < n; p++) {
      if (r() < 0.09) continue; // unbalanced: about 9 % of pair-dates missing
      const cov = Math.min(1, d / dates + (r() - 0.5) * 0.1);
      const dist = 50 + (p % 50) * 10;
      pair[i] = p; date[i] = d; x[i] = cov; xd[i] = (cov * dist) / 100;
      y[i] = 0.1 + (p % 17) * 0.005 - 0.03 * cov + 0.002 * xd[i] + (r() - 0.5) * 0.05;
      i++;
    }
  }
  return { n: i, pair: pair.subarray(0, i), date: date.subarray(0, i), x: x.subarray(0, i), xd: xd.subarray(0, i), y: y.subarray(0, i) };
}

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

function jsRun(d, twoWay) {
  const t0 = process.hrtime.bigint();
  const pairFe = { name: 'pair', ...pr.indexGroups(d.pair) };
  const fes = [pairFe];
  if (twoWay) fes.push({ name: 'date', ...pr.indexSortedGroups(Array.from(d.date, (v) => String(v).padStart(6, '0'))) });
  const y = pr.withinTransform(d.y, fes);
  const cols = [pr.withinTransform(d.x, fes), pr.withinTransform(d.xd, fes)];
  const fit = pr.fitWithin(y, cols, pr.absorbedDf(fes), { kind: 'cluster', cluster: pairFe });
  return { ms: ms(t0), coef: fit.coef[0], se: fit.se[0] };
}

const R_TWOWAY_MAX_ROWS = Number(process.env.BENCH_R_TWOWAY_MAX_ROWS || 200_000);

// R plm on the same panel: each model in its own Rscript so that one failing (R's two-way
// within on a million rows was killed for memory here) does not lose the other.
function rRun(d) {
  try {
    execFileSync('Rscript', ['--version'], { stdio: 'ignore' });
  } catch {
    return null;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'nkmt-plm-'));
  const file = path.join(dir, 'panel.csv');
  const lines = ['pair,date,y,x,xd'];
  for (let i = 0; i < d.n; i++) lines.push(`${d.pair[i]},${d.date[i]},${d.y[i]},${d.x[i]},${d.xd[i]}`);
  writeFileSync(file, lines.join('\n'));
  const one = (model) => {
    try {
      const out = execFileSync('Rscript', [path.join(__dirname, 'plm-bench.R'), file, model], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      return JSON.parse(out.trim().split('\n').pop());
    } catch (err) {
      return { failed: err.signal ? `killed by ${err.signal}` : `exit ${err.status}` };
    }
  };
  try {
    return {
      oneWay: one('oneway'),
      twoWay: d.n <= R_TWOWAY_MAX_ROWS ? one('twoways') : { skipped: `more than BENCH_R_TWOWAY_MAX_ROWS=${R_TWOWAY_MAX_ROWS} rows` },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const sizes = process.argv.slice(2).map(Number).filter(Boolean);
for (const n of sizes.length ? sizes : [10_000, 100_000, 1_000_000]) {
  const d = panel(n);
  const reps = n >= 1_000_000 ? 3 : 5;
  const one = Array.from({ length: reps }, () => jsRun(d, false));
  const two = Array.from({ length: reps }, () => jsRun(d, true));
  const r = rRun(d);
  console.log(
    JSON.stringify({
      rows: d.n,
      pairs: 500,
      jsOneWayMs: median(one.map((x) => x.ms)),
      jsTwoWayMs: median(two.map((x) => x.ms)),
      rOneWayMs: r?.oneWay.seconds !== undefined ? r.oneWay.seconds * 1000 : null,
      rTwoWayMs: r?.twoWay.seconds !== undefined ? r.twoWay.seconds * 1000 : null,
      rNote: r ? [r.oneWay.failed, r.twoWay.failed, r.twoWay.skipped].filter(Boolean).join('; ') || null : 'Rscript not installed',
      coefX: one[0].coef,
      seX: one[0].se,
      rCoefX: r?.oneWay.coefX ?? null,
      rSeX: r?.oneWay.seX ?? null,
      coefX2: two[0].coef,
      rCoefX2: r?.twoWay.coefX ?? null,
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
    }),
  );
}
