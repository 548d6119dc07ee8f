import { parse } from 'csv-parse/sync';
import { readFixture } from '../../../test/helpers/markets';
import { referenceValues } from '../../../test/helpers/reference-values';
import {
  absorbedDf,
  fitWithin,
  FixedEffect,
  indexGroups,
  indexSortedGroups,
  wildClusterBootstrap,
  withinTransform,
} from './panel-regression';
import { wildBootstrapInterval, wildBootstrapper } from './wild-bootstrap';
import { PanelRow, pairRegression, PairRegressionResult } from '../pair-regression';

// Reference values: test/fixtures/analysis/panel/make_reference.R (R plm and sandwich).
const rows = parse<Record<string, string>>(readFixture('analysis', 'panel', 'input.csv'), {
  columns: true,
});
const { get: refValue, close } = referenceValues('analysis', 'panel', 'expected.csv');

function fe(name: string, keys: string[]): FixedEffect {
  const { groups, count } = indexGroups(keys);
  return { name, groups, count };
}

function design(sub: Record<string, string>[]) {
  return {
    y: Float64Array.from(sub.map((r) => Number(r.y))),
    x: Float64Array.from(sub.map((r) => Number(r.x))),
    xd: Float64Array.from(sub.map((r) => Number(r.xd))),
    pair: fe(
      'pair',
      sub.map((r) => r.pair),
    ),
    month: fe(
      'month',
      sub.map((r) => r.month),
    ),
    date: { name: 'date', ...indexSortedGroups(sub.map((r) => r.date)) },
  };
}

describe('market-pair panel regression (against plm and sandwich)', () => {
  const d = design(rows);

  it('uses an unbalanced panel: missing dates and unequal pairs', () => {
    expect(rows.length).toBe(refValue('N'));
    const perPair = new Map<string, number>();
    for (const r of rows) perPair.set(r.pair, (perPair.get(r.pair) ?? 0) + 1);
    expect(new Set(perPair.values()).size).toBeGreaterThan(3);
  });

  it('pair fixed effects by the within transformation: coefficients, classical, clustered (sss) and Driscoll-Kraay errors', () => {
    const fes = [d.pair];
    const y = withinTransform(d.y, fes);
    const cols = [withinTransform(d.x, fes), withinTransform(d.xd, fes)];
    const df = absorbedDf(fes);
    const classical = fitWithin(y, cols, df, { kind: 'classical' });
    const cluster = fitWithin(y, cols, df, { kind: 'cluster', cluster: d.pair });
    const dk = fitWithin(y, cols, df, { kind: 'driscoll-kraay', time: d.date });
    ['x', 'xd'].forEach((nm, j) => {
      close(classical.coef[j], `fe1.${nm}.coef`);
      close(classical.se[j], `fe1.${nm}.seClassical`);
      close(cluster.se[j], `fe1.${nm}.seCluster`);
      close(dk.se[j], `fe1.${nm}.seDK`);
    });
    expect(cluster.clusters).toBe(6);
  });

  it('two fixed-effect dimensions (pair, month-of-year) by alternating projections equal the dummy regression', () => {
    const fes = [d.pair, d.month];
    const y = withinTransform(d.y, fes);
    const cols = [withinTransform(d.x, fes), withinTransform(d.xd, fes)];
    const df = absorbedDf(fes);
    const classical = fitWithin(y, cols, df, { kind: 'classical' });
    const cluster = fitWithin(y, cols, df, { kind: 'cluster', cluster: d.pair });
    ['x', 'xd'].forEach((nm, j) => {
      close(classical.coef[j], `fe2.${nm}.coef`);
      close(classical.se[j], `fe2.${nm}.seClassical`);
      close(cluster.se[j], `fe2.${nm}.seCluster`);
    });
  });

  it('pair and date fixed effects on the unbalanced panel equal plm twoways', () => {
    const fes = [d.pair, d.date];
    const fit = fitWithin(
      withinTransform(d.y, fes),
      [withinTransform(d.x, fes), withinTransform(d.xd, fes)],
      absorbedDf(fes),
      { kind: 'classical' },
    );
    close(fit.coef[0], 'fe3.x.coef');
    close(fit.coef[1], 'fe3.xd.coef');
  });

  it('wild cluster bootstrap with three clusters: Webb weights, all 216 weight vectors, the R enumeration p-value', () => {
    const sub = rows.filter((r) => ['a-b', 'a-c', 'a-d'].includes(r.pair));
    const s = design(sub);
    const fes = [s.pair];
    const r = wildClusterBootstrap(
      withinTransform(s.y, fes),
      [withinTransform(s.x, fes), withinTransform(s.xd, fes)],
      0,
      s.pair,
      999,
    );
    expect(sub.length).toBe(refValue('wcb.n'));
    expect(r).toMatchObject({ weights: 'webb', enumerated: true, replications: 216 });
    close(r.t, 'wcb.t');
    expect(r.p).toBeCloseTo(refValue('wcb.p'), 12);
  });

  it('inverts the wild bootstrap test into a 95 % interval, as the R enumeration does', () => {
    const sub = rows.filter((r) => ['a-b', 'a-c', 'a-d'].includes(r.pair));
    const s = design(sub);
    const fes = [s.pair];
    const boot = wildBootstrapper(
      withinTransform(s.y, fes),
      [withinTransform(s.x, fes), withinTransform(s.xd, fes)],
      0,
      s.pair,
      999,
    );
    close(boot.se, 'wcb.se');
    // the p-value with another null imposed (half the estimate)
    expect(boot.pAt(boot.coefficient / 2)).toBeCloseTo(refValue('wcb.p.at.half'), 12);
    expect(boot.pAt(0)).toBeCloseTo(refValue('wcb.p'), 12);
    const [lo, hi] = wildBootstrapInterval(boot);
    close(lo!, 'wcb.ci.lo');
    close(hi!, 'wcb.ci.hi');
    // the bounds are where the test starts to reject: inside accepted, just outside rejected
    const w = 1e-6 * (hi! - lo!);
    expect(boot.pAt(lo! + w)).toBeGreaterThan(0.05);
    expect(boot.pAt(lo! - w)).toBeLessThanOrEqual(0.05);
    expect(boot.pAt(hi! - w)).toBeGreaterThan(0.05);
    expect(boot.pAt(hi! + w)).toBeLessThanOrEqual(0.05);
  });

  it('samples the bootstrap reproducibly from its seed when enumeration would exceed B', () => {
    const fes = [d.pair];
    const y = withinTransform(d.y, fes);
    const cols = [withinTransform(d.x, fes), withinTransform(d.xd, fes)];
    const a = wildClusterBootstrap(y, cols, 1, d.pair, 199, 7);
    const b = wildClusterBootstrap(y, cols, 1, d.pair, 199, 7);
    expect(a).toEqual(b);
    expect(a).toMatchObject({ enumerated: false, replications: 199, weights: 'webb' });
    expect(a.p).toBeGreaterThan(0);
    expect(a.p).toBeLessThanOrEqual(1);
  });

  it('demeans a column of a million rows (no argument-spreading limits)', () => {
    const n = 1_000_000;
    const groups = new Int32Array(n).map((_, i) => i % 1000);
    const v = Float64Array.from({ length: n }, (_, i) => (i % 1000) + (i % 7));
    const w = withinTransform(v, [{ name: 'g', groups, count: 1000 }]);
    let sum = 0;
    for (const x of w) sum += x;
    expect(Math.abs(sum)).toBeLessThan(1e-6);
  });
});

describe('the coverage effect at observed pair distances (against R: plm, vcovHC arellano sss)', () => {
  it('gives β + δ·d/100 with its clustered standard error at the mean distance and per pair', () => {
    const panel: PanelRow[] = rows.map((r) => ({
      pair: r.pair,
      date: r.date,
      gap: Number(r.y),
      coverage: Number(r.x),
      distanceKm: Number(r.dist),
    }));
    const result = pairRegression(panel, {
      coverage: 'national',
      controls: ['distance'],
      fe: ['pair'],
      se: 'cluster',
      bootstrap: 0,
      seed: 1,
      borderWindow: { from: '2020-01-22', to: '2023-08-31' },
    }) as PairRegressionResult;
    const e = result.coverageEffectByDistance!;
    close(e.atMeanDistance.distanceKm, 'effect.mean.km');
    close(e.atMeanDistance.estimate, 'effect.mean.est');
    close(e.atMeanDistance.se, 'effect.mean.se');
    close(e.atMeanDistance.p, 'effect.mean.p');
    for (const pair of ['a-b', 'a-d']) {
      const at = e.byPair.find((x) => x.pair === pair)!;
      close(at.distanceKm, `effect.${pair}.km`);
      close(at.estimate, `effect.${pair}.est`);
      close(at.se, `effect.${pair}.se`);
      close(at.p, `effect.${pair}.p`);
    }
  });
});
