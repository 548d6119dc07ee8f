import { insufficient, Insufficient, MIN_OBSERVATIONS } from './pairs';
import {
  absorbedDf,
  FixedEffect,
  fitWithin,
  indexGroups,
  indexSortedGroups,
  withinTransform,
} from './stats/panel-regression';
import { tQuantile, tTwoSided } from './stats/distributions';
import { checkDesign, checkFit, hasWithinVariation, varyingClusters } from './stats/design-check';
import { crossProducts, type Column } from './stats/linear-model';
import {
  wildBootstrapInterval,
  wildBootstrapper,
  WildBootstrapResult,
} from './stats/wild-bootstrap';

// Market-pair panel regression in the style of Aker (2010) and Jensen (2007):
//   |ln p_it - ln p_jt| = β·coverage_ijt [+ γ·border_t + δ·(distance_ij/100 km)·coverage_ijt] + FE + e
// with pair fixed effects by the within transformation (and month-of-year or date effects by
// alternating projections), standard errors clustered by pair (or Driscoll-Kraay), and a wild
// cluster bootstrap p-value for β because the number of pairs (clusters) is small.

export type CoverageMeasure = 'national' | 'towers';
export type Control = 'border' | 'distance';
export type FeDimension = 'pair' | 'month' | 'date';

export interface PanelRow {
  pair: string;
  date: string;
  gap: number; // |ln p_i - ln p_j|
  coverage: number; // national subscriptions per 100, or 1 when both markets are covered
  distanceKm: number;
}

// The same panel by columns, as the service builds it and the worker thread receives it: a country's
// pair panel has millions of pair-dates (100 markets: 4,950 pairs, about 1.1 million rows), and an
// object per row (with its pair's name) cost about 1.4 GB between the service and the thread; typed
// columns are copied to the thread in one piece. Pairs are numbered in the order of their first
// row, dates in sorted order (both as indexGroups and indexSortedGroups number them).
export interface PanelColumns {
  pairNames: string[];
  pairDistanceKm: Float64Array; // by pair
  dateNames: string[]; // sorted, every one used
  pair: Int32Array; // per row: index into pairNames
  date: Int32Array; // per row: index into dateNames
  gap: Float64Array;
  coverage: Float64Array;
}

// Rows to columns (the tests' and the warm-up's fixtures are rows).
export function toColumns(rows: PanelRow[]): PanelColumns {
  const pairIdx = indexGroups(rows.map((r) => r.pair));
  const dateIdx = indexSortedGroups(rows.map((r) => r.date));
  const pairDistanceKm = new Float64Array(pairIdx.count);
  rows.forEach((r, i) => (pairDistanceKm[pairIdx.groups[i]] = r.distanceKm));
  return {
    pairNames: pairIdx.labels as string[],
    pairDistanceKm,
    dateNames: dateIdx.labels,
    pair: pairIdx.groups,
    date: dateIdx.groups,
    gap: Float64Array.from(rows, (r) => r.gap),
    coverage: Float64Array.from(rows, (r) => r.coverage),
  };
}

export interface PairRegressionSpec {
  coverage: CoverageMeasure;
  controls: Control[];
  fe: FeDimension[];
  se: 'cluster' | 'driscoll-kraay';
  bootstrap: number; // replications; 0 for none
  seed: number;
  borderWindow: { from: string; to: string };
}

export interface Coefficient {
  name: string;
  estimate: number;
  se: number;
  t: number;
  p: number;
  ci95: [number, number];
}

// With distance × coverage in the model the coverage coefficient is the effect at zero distance;
// the effect at distance d is β + δ·d/100 with variance V_ββ + (d/100)² V_δδ + 2 (d/100) V_βδ
// from the same (clustered or Driscoll-Kraay) covariance, and a t test with the same df.
export interface CoverageEffectAt {
  distanceKm: number;
  estimate: number;
  se: number;
  t: number;
  p: number;
}

export interface CoverageEffectByDistance {
  atMeanDistance: CoverageEffectAt; // the mean over pairs of their distances
  byPair: (CoverageEffectAt & { pair: string })[];
}

// What the sample says about the design, before any estimate: how many pairs change coverage (and
// when, for a 0/1 coverage), and the coverage and mean gap at the sample's ends, so that a
// coefficient can be put in the data's own terms (β × the rise in coverage against the mean gap).
export interface DesignFacts {
  switchingPairs: number; // pairs whose coverage is not constant over their dates
  firstSwitch: string | null; // 0/1 coverage: the earliest and latest date a pair's coverage changes
  lastSwitch: string | null;
  coverageAtStart: number; // mean coverage over the rows of the first date
  coverageAtEnd: number; // and of the last date
  meanGap: number; // mean |ln p_i − ln p_j| over every row
}

// The design cannot identify the coverage coefficient: the reason, and no number.
export interface NotIdentified {
  notIdentified: true;
  reason: string;
  n: number;
  pairs: number;
  dates: number;
  fe: FeDimension[];
  design: DesignFacts;
}

export const isNotIdentified = (r: object): r is NotIdentified => 'notIdentified' in r;

export interface PairRegressionResult {
  n: number;
  pairs: number;
  dates: number;
  fe: FeDimension[];
  se: PairRegressionSpec['se'];
  dfForTests: number;
  coefficients: Coefficient[];
  dropped: { name: string; reason: string }[];
  bootstrap:
    | (WildBootstrapResult & {
        null: string;
        ci95: [number | null, number | null] | null;
        ci95Note: string;
      })
    | null;
  coverageEffectByDistance: CoverageEffectByDistance | null;
  design: DesignFacts;
}

export const MIN_PAIRS = 2;

// The design facts of a panel (see DesignFacts), in a few linear passes over its rows.
export function designFacts(cols: PanelColumns): DesignFacts {
  const n = cols.gap.length;
  const P = cols.pairNames.length;
  const switching = varyingClusters(cols.coverage, cols.pair, P);
  const binary = cols.coverage.every((c) => c === 0 || c === 1);
  // two linear passes (rows need not be in date order): each pair's earliest date and its
  // coverage there, then the earliest date on which the pair's coverage differs from that
  const firstDate = new Int32Array(P).fill(2 ** 31 - 1);
  const firstValue = new Float64Array(P);
  const switchAt = new Int32Array(P).fill(-1);
  for (let r = 0; r < n; r++) {
    const g = cols.pair[r];
    if (cols.date[r] < firstDate[g]) {
      firstDate[g] = cols.date[r];
      firstValue[g] = cols.coverage[r];
    }
  }
  for (let r = 0; r < n; r++) {
    const g = cols.pair[r];
    if (cols.coverage[r] !== firstValue[g] && (switchAt[g] < 0 || cols.date[r] < switchAt[g]))
      switchAt[g] = cols.date[r];
  }
  const switches = [...switchAt].filter((d) => d >= 0);
  let dMin = Infinity;
  let dMax = -Infinity;
  for (const d of cols.date) {
    dMin = Math.min(dMin, d);
    dMax = Math.max(dMax, d);
  }
  let [s0, n0, s1, n1, gap] = [0, 0, 0, 0, 0];
  for (let r = 0; r < n; r++) {
    gap += cols.gap[r];
    if (cols.date[r] === dMin) {
      s0 += cols.coverage[r];
      n0++;
    }
    if (cols.date[r] === dMax) {
      s1 += cols.coverage[r];
      n1++;
    }
  }
  return {
    switchingPairs: switching,
    firstSwitch: binary && switches.length ? cols.dateNames[Math.min(...switches)] : null,
    lastSwitch: binary && switches.length ? cols.dateNames[Math.max(...switches)] : null,
    coverageAtStart: n0 ? s0 / n0 : NaN,
    coverageAtEnd: n1 ? s1 / n1 : NaN,
    meanGap: n ? gap / n : NaN,
  };
}

// The interval inverts the test at about 70 values of the null, each costing replications × pairs
// (about 1.5 µs per unit here): it is computed while that product stays within this budget (half a
// second at most), and is null beyond it, saying so.
export const BOOTSTRAP_INTERVAL_BUDGET = 5_000;

function bootstrapOf(
  y: Float64Array,
  cols: Column[],
  pairIdx: { groups: Int32Array; count: number },
  spec: PairRegressionSpec,
): PairRegressionResult['bootstrap'] {
  const boot = wildBootstrapper(y, cols, 0, pairIdx, spec.bootstrap, spec.seed);
  const cost = boot.meta.replications * pairIdx.count;
  const within = cost <= BOOTSTRAP_INTERVAL_BUDGET;
  return {
    coefficient: boot.coefficient,
    t: boot.coefficient / boot.se,
    p: boot.pAt(0),
    ...boot.meta,
    null: 'coverage = 0',
    ci95: within ? wildBootstrapInterval(boot) : null,
    ci95Note: within
      ? 'the coverage coefficients the bootstrap test does not reject at 5 % (test inversion); a null bound is unbounded'
      : `not computed: ${boot.meta.replications} replications × ${pairIdx.count} pairs is beyond ${BOOTSTRAP_INTERVAL_BUDGET} (ask for fewer replications or markets)`,
  };
}

export function pairRegression(
  panel: PanelRow[] | PanelColumns,
  spec: PairRegressionSpec,
): PairRegressionResult | NotIdentified | Insufficient {
  const cols0 = Array.isArray(panel) ? toColumns(panel) : panel;
  const n = cols0.gap.length;
  const pairIdx = { groups: cols0.pair, count: cols0.pairNames.length };
  if (n < MIN_OBSERVATIONS) return insufficient('the pair regression', n);
  if (pairIdx.count < MIN_PAIRS)
    return { ...insufficient('the pair regression (market pairs)', pairIdx.count, MIN_PAIRS) };
  const timeIdx = { groups: cols0.date, count: cols0.dateNames.length };
  const dateOf = (i: number) => cols0.dateNames[cols0.date[i]];
  const fes: FixedEffect[] = [{ name: 'pair', groups: pairIdx.groups, count: pairIdx.count }];
  if (spec.fe.includes('month')) {
    const m = indexGroups(Array.from({ length: n }, (_, i) => dateOf(i).slice(5, 7)));
    fes.push({ name: 'month', groups: m.groups, count: m.count });
  }
  if (spec.fe.includes('date'))
    fes.push({ name: 'date', groups: timeIdx.groups, count: timeIdx.count });

  const raw: { name: string; values: Float64Array }[] = [
    { name: 'coverage', values: Float64Array.from(cols0.coverage) },
  ];
  if (spec.controls.includes('border')) {
    const inWindow = cols0.dateNames.map((d) =>
      d >= spec.borderWindow.from && d <= spec.borderWindow.to ? 1 : 0,
    );
    raw.push({
      name: 'border',
      values: Float64Array.from(cols0.date, (d) => inWindow[d]),
    });
  }
  if (spec.controls.includes('distance')) {
    raw.push({
      name: 'distance_x_coverage',
      values: Float64Array.from(
        { length: n },
        (_, i) => (cols0.pairDistanceKm[cols0.pair[i]] / 100) * cols0.coverage[i],
      ),
    });
  }
  const y = withinTransform(Float64Array.from(cols0.gap), fes);
  const dropped: { name: string; reason: string }[] = [];
  const kept: { name: string; values: Float64Array }[] = [];
  for (const c of raw) {
    const w = withinTransform(c.values, fes);
    if (!hasWithinVariation(c.values, w))
      dropped.push({
        name: c.name,
        reason: 'no variation left within the fixed effects (collinear with them)',
      });
    else kept.push({ name: c.name, values: w });
  }
  const design = designFacts(cols0);
  const notIdentified = (reason: string): NotIdentified => ({
    notIdentified: true,
    reason,
    n,
    pairs: pairIdx.count,
    dates: timeIdx.count,
    fe: spec.fe,
    design,
  });
  if (!kept.length || kept[0].name !== 'coverage')
    return notIdentified(
      `coverage has no variation left within the ${spec.fe.join(' and ')} fixed effects${spec.fe.includes('date') && spec.coverage === 'national' ? ' (national coverage is one value per date, which the date effects absorb)' : ''}: nothing identifies its coefficient`,
    );
  const cols = kept.map((k) => k.values);
  const check = checkDesign({
    regressor: 'coverage',
    varyingClusters: design.switchingPairs,
    xtx: crossProducts(cols, y).xtx,
    names: kept.map((k) => k.name),
  });
  if (!check.identified) return notIdentified(check.reason);
  const fit = fitWithin(
    y,
    cols,
    absorbedDf(fes),
    spec.se === 'cluster'
      ? { kind: 'cluster', cluster: pairIdx }
      : { kind: 'driscoll-kraay', time: timeIdx },
  );
  const afterFit = checkFit('coverage', fit.coef[0], fit.se[0]);
  if (!afterFit.identified) return notIdentified(afterFit.reason);
  const bootstrap = spec.bootstrap > 0 ? bootstrapOf(y, cols, pairIdx, spec) : null;
  const dfForTests = spec.se === 'cluster' ? pairIdx.count - 1 : timeIdx.count - 1;
  const ix = kept.findIndex((k) => k.name === 'distance_x_coverage');
  let coverageEffectByDistance: CoverageEffectByDistance | null = null;
  if (ix > 0) {
    const effectAt = (distanceKm: number): CoverageEffectAt => {
      const d = distanceKm / 100;
      const estimate = fit.coef[0] + d * fit.coef[ix];
      const se = Math.sqrt(fit.vcov[0][0] + d * d * fit.vcov[ix][ix] + 2 * d * fit.vcov[0][ix]);
      const t = estimate / se;
      return { distanceKm, estimate, se, t, p: tTwoSided(t, dfForTests) };
    };
    const distances = new Map(cols0.pairNames.map((p, k) => [p, cols0.pairDistanceKm[k]]));
    const pairDistances = [...distances.values()];
    coverageEffectByDistance = {
      atMeanDistance: effectAt(pairDistances.reduce((a, b) => a + b, 0) / pairDistances.length),
      byPair: [...distances.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([pair, km]) => ({ pair, ...effectAt(km) })),
    };
  }
  return {
    n,
    pairs: pairIdx.count,
    dates: timeIdx.count,
    fe: spec.fe,
    se: spec.se,
    dfForTests,
    coefficients: kept.map((k, i) => ({
      name: k.name,
      estimate: fit.coef[i],
      se: fit.se[i],
      t: fit.t[i],
      p: fit.p[i],
      // estimate ± t_{0.975, df} · se, with the same errors and df as the test
      ci95: [
        fit.coef[i] - tQuantile(0.975, dfForTests) * fit.se[i],
        fit.coef[i] + tQuantile(0.975, dfForTests) * fit.se[i],
      ] as [number, number],
    })),
    dropped,
    bootstrap,
    coverageEffectByDistance,
    design,
  };
}
