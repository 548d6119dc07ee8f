import { isNotIdentified, pairRegression, PanelColumns } from '../pair-regression';
import { checkDesign, checkFit, hasWithinVariation, varyingClusters } from '../stats/design-check';
import { crossProducts } from '../stats/linear-model';
import { randomEffects, RandomEffectsFit } from '../stats/meta-analysis';
import { tQuantile } from '../stats/distributions';
import {
  absorbedDf,
  FixedEffect,
  fitWithin,
  indexGroups,
  indexSortedGroups,
  withinTransform,
} from '../stats/panel-regression';
import { wildBootstrapInterval, wildBootstrapper } from '../stats/wild-bootstrap';
import { CrossCountryPanel, SeriesMonthRow } from './cross-country-panel';

// Estimators of the cross-country panel: pure functions of it.

export interface BootstrapSummary {
  p: number;
  clusters: number;
  replications: number;
  weights: 'webb' | 'rademacher';
  enumerated: boolean;
  seed: number;
  ci95: [number | null, number | null];
}

export interface TwfeEstimate {
  identified: true;
  estimate: number;
  se: number;
  t: number;
  p: number; // t with G − 1 degrees of freedom
  df: number;
  ci95: [number, number];
  clusters: number; // countries
  n: number;
  series: number;
  months: number;
  bootstrap: BootstrapSummary | null;
}

export interface NotIdentifiedEstimate {
  identified: false;
  reason: string;
  n: number;
  clusters: number;
}

// Months priced in at least 2 countries, and each country's first and last month: with fewer than
// 2 shared months, the series and month effects absorb every country's coverage.
export function sharedMonths(rows: SeriesMonthRow[]): {
  shared: number;
  months: string[];
  spans: string;
} {
  const byMonth = new Map<string, Set<string>>();
  const span = new Map<string, [string, string]>();
  for (const r of rows) {
    let c = byMonth.get(r.month);
    if (!c) byMonth.set(r.month, (c = new Set()));
    c.add(r.country);
    const s = span.get(r.country);
    if (!s) span.set(r.country, [r.month, r.month]);
    else {
      if (r.month < s[0]) s[0] = r.month;
      if (r.month > s[1]) s[1] = r.month;
    }
  }
  const months = [...byMonth.entries()]
    .filter(([, c]) => c.size >= 2)
    .map(([m]) => m)
    .sort();
  return {
    shared: months.length,
    months,
    spans: [...span.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([c, [a, b]]) => `${c} ${a} to ${b}`)
      .join('; '),
  };
}

// D_sm = α_series + γ_month + β·coverage_cm + ε: series and month effects swept out by
// alternating projections, errors clustered by country (G/(G−1)·(N−1)/(N−K) small-sample factor,
// K = 1 slope, t with G − 1 df), and the wild cluster bootstrap-t by country with the null
// imposed (Webb weights below 12 clusters, every weight vector when there are at most B).
export function twfeSeriesLevel(
  rows: SeriesMonthRow[],
  opts: { bootstrap: number; seed: number },
): TwfeEstimate | NotIdentifiedEstimate {
  const n = rows.length;
  const country = indexGroups(rows.map((r) => r.country));
  const notIdentified = (reason: string): NotIdentifiedEstimate => ({
    identified: false,
    reason,
    n,
    clusters: country.count,
  });
  if (country.count < 2)
    return notIdentified(
      `the panel has ${country.count} ${country.count === 1 ? 'country' : 'countries'}: with one, national coverage is one value per month, which the month effects absorb`,
    );
  const overlap = sharedMonths(rows);
  // one shared month ties the countries' series effects together and nothing more: x is absorbed
  if (overlap.shared < 2)
    return notIdentified(
      `${overlap.shared === 0 ? 'no month has' : `only ${overlap.shared} month (${overlap.months[0]}) has`} prices from 2 countries (${overlap.spans}): the series and month effects absorb each country's coverage whole`,
    );
  const series = indexGroups(rows.map((r) => r.series));
  const month = indexSortedGroups(rows.map((r) => r.month));
  const fes: FixedEffect[] = [
    { name: 'series', groups: series.groups, count: series.count },
    { name: 'month', groups: month.groups, count: month.count },
  ];
  const x = Float64Array.from(rows, (r) => r.coverage);
  const xw = withinTransform(x, fes);
  if (!hasWithinVariation(x, xw))
    return notIdentified(
      'coverage has no variation left within the series and month effects: the countries’ subscriptions moved in step',
    );
  const y = withinTransform(
    Float64Array.from(rows, (r) => r.d),
    fes,
  );
  const design = checkDesign({
    regressor: 'coverage',
    varyingClusters: varyingClusters(x, country.groups, country.count),
    xtx: crossProducts([xw], y).xtx,
    names: ['coverage'],
  });
  if (!design.identified) return notIdentified(design.reason);
  const cluster = { groups: country.groups, count: country.count };
  const fit = fitWithin(y, [xw], absorbedDf(fes), { kind: 'cluster', cluster });
  const after = checkFit('coverage', fit.coef[0], fit.se[0]);
  if (!after.identified) return notIdentified(after.reason);
  const df = country.count - 1;
  const q = tQuantile(0.975, df);
  let bootstrap: BootstrapSummary | null = null;
  if (opts.bootstrap > 0) {
    const boot = wildBootstrapper(y, [xw], 0, cluster, opts.bootstrap, opts.seed);
    bootstrap = {
      p: boot.pAt(0),
      clusters: country.count,
      ...boot.meta,
      ci95: wildBootstrapInterval(boot),
    };
  }
  return {
    identified: true,
    estimate: fit.coef[0],
    se: fit.se[0],
    t: fit.t[0],
    p: fit.p[0],
    df,
    ci95: [fit.coef[0] - q * fit.se[0], fit.coef[0] + q * fit.se[0]],
    clusters: country.count,
    n,
    series: series.count,
    months: month.count,
    bootstrap,
  };
}

// The series-level estimate without each country in turn (no bootstrap): which countries drive it.
export function leaveOneCountryOut(
  rows: SeriesMonthRow[],
  countries: string[],
): { country: string; estimate: number | null; reason?: string }[] {
  if (countries.length < 3) return [];
  return countries.map((c) => {
    const fit = twfeSeriesLevel(
      rows.filter((r) => r.country !== c),
      { bootstrap: 0, seed: 0 },
    );
    return fit.identified
      ? { country: c, estimate: fit.estimate }
      : { country: c, estimate: null, reason: fit.reason };
  });
}

// One country's market-pair panel by month, as the report's pair regression reads it: every pair
// of markets priced in the same series and month, gap |ln p_i − ln p_j|, the month's coverage;
// pairs are series-specific (series id:market~market), dates the months' 15th. Rows go into typed
// columns sized from the panel's pair counts; a pair is numbered from its slot (series base + a·M
// + b for markets a < b of M), so a name is built once per pair, not once per row.
export function pairColumnsOf(panel: CrossCountryPanel, country: string): PanelColumns {
  const rowsOf = panel.rows.filter((r) => r.country === country);
  const n = rowsOf.reduce((s, r) => s + r.pairs, 0);
  const dateNames = [...new Set(rowsOf.map((r) => r.month))].sort();
  const dateAt = new Map(dateNames.map((m, i) => [m, i]));
  const coverage = new Map<number, Map<string, number>>();
  for (const r of rowsOf) {
    let m = coverage.get(r.series);
    if (!m) coverage.set(r.series, (m = new Map<string, number>()));
    m.set(r.month, r.coverage);
  }
  const pair = new Int32Array(n);
  const date = new Int32Array(n);
  const gap = new Float64Array(n);
  const cov = new Float64Array(n);
  const pairNames: string[] = [];
  let at = 0;
  panel.series.forEach((s, si) => {
    const months = coverage.get(si);
    if (s.country !== country || !months) return;
    const p = panel.prices[si];
    const marketAt = new Map<string, number>();
    const markets: string[] = [];
    for (const m of p.market)
      if (!marketAt.has(m)) {
        marketAt.set(m, markets.length);
        markets.push(m);
      }
    const M = markets.length;
    const numberOf = new Int32Array(M * M).fill(-1);
    for (let i = 0; i < p.month.length;) {
      let j = i;
      while (j < p.month.length && p.month[j] === p.month[i]) j++;
      const c = months.get(p.month[i]);
      if (c !== undefined) {
        const d = dateAt.get(p.month[i])!;
        for (let a = i; a < j; a++)
          for (let b = a + 1; b < j; b++) {
            let ia = marketAt.get(p.market[a])!;
            let ib = marketAt.get(p.market[b])!;
            if (markets[ia] > markets[ib]) [ia, ib] = [ib, ia];
            const slot = ia * M + ib;
            if (numberOf[slot] < 0) {
              numberOf[slot] = pairNames.length;
              pairNames.push(`${s.id}:${markets[ia]}~${markets[ib]}`);
            }
            pair[at] = numberOf[slot];
            date[at] = d;
            gap[at] = Math.abs(Math.log(p.price[a]) - Math.log(p.price[b]));
            cov[at] = c;
            at++;
          }
      }
      i = j;
    }
  });
  return {
    pairNames,
    pairDistanceKm: new Float64Array(pairNames.length).fill(NaN),
    dateNames,
    pair,
    date,
    gap,
    coverage: cov,
  };
}

export interface CountryEstimate {
  country: string;
  series: number;
  pairs: number;
  n: number;
  estimate: number | null;
  se: number | null;
  p: number | null;
  ci95: [number, number] | null;
  reason?: string; // why there is no estimate
}

// Each country's within-country pair regression as the report runs it (pair fixed effects,
// national coverage, errors clustered by pair, t with pairs − 1 df), on the monthly panel.
export function perCountryEstimates(panel: CrossCountryPanel): CountryEstimate[] {
  return panel.countries.map((country) => {
    const cols = pairColumnsOf(panel, country);
    const series = panel.series.filter((s) => s.country === country).length;
    const base = { country, series, pairs: cols.pairNames.length, n: cols.gap.length };
    const fit = pairRegression(cols, {
      coverage: 'national',
      controls: [],
      fe: ['pair'],
      se: 'cluster',
      bootstrap: 0,
      seed: 0,
      borderWindow: { from: '0000-01-01', to: '0000-01-01' },
    });
    const none = (reason: string): CountryEstimate => ({
      ...base,
      estimate: null,
      se: null,
      p: null,
      ci95: null,
      reason,
    });
    if ('insufficientData' in fit) return none(fit.message);
    if (isNotIdentified(fit)) return none(fit.reason);
    const c = fit.coefficients[0];
    return { ...base, estimate: c.estimate, se: c.se, p: c.p, ci95: c.ci95 };
  });
}

export interface Pooled {
  reml: RandomEffectsFit | null;
  dl: RandomEffectsFit | null;
  countries: string[];
  reason?: string;
}

// Random-effects pooling of the countries that have an estimate (REML and DerSimonian-Laird).
export function poolCountries(estimates: CountryEstimate[]): Pooled {
  const usable = estimates.filter((e) => e.estimate !== null && e.se !== null && e.se > 0);
  const y = usable.map((e) => e.estimate!);
  const v = usable.map((e) => e.se! ** 2);
  const countries = usable.map((e) => e.country);
  if (usable.length < 2)
    return {
      reml: null,
      dl: null,
      countries,
      reason: `${usable.length} ${usable.length === 1 ? 'country has' : 'countries have'} a within-country estimate: pooling needs 2`,
    };
  return { reml: randomEffects(y, v, 'REML'), dl: randomEffects(y, v, 'DL'), countries };
}
