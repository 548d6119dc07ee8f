import { parse } from 'csv-parse/sync';
import { readFixture } from '../../test/helpers/markets';
import { referenceValues } from '../../test/helpers/reference-values';
import {
  PanelColumns,
  PanelRow,
  pairRegression,
  PairRegressionSpec,
  toColumns,
} from './pair-regression';
import { placeboDifference } from './placebo-difference';
import { inference } from './report-text';
import { betaConvergence } from './stats/beta-convergence';
import { trendBreakHac } from './stats/breaks';
import { CONDITION_LIMIT, conditionNumber } from './stats/design-check';

// Reference values: test/fixtures/analysis/report/make_reference.R (R lm and sandwich).
const reference = referenceValues('analysis', 'report', 'expected.csv');
const close = (actual: number, name: string, rel = 1e-8) => reference.close(actual, name, rel);

const spec: PairRegressionSpec = {
  coverage: 'national',
  controls: [],
  fe: ['pair'],
  se: 'cluster',
  bootstrap: 0,
  seed: 1,
  borderWindow: { from: '2020-01-22', to: '2023-08-31' },
};

function seriesColumns(rows: Record<string, string>[], series: string): PanelColumns {
  return toColumns(
    rows
      .filter((r) => r.series === series)
      .map((r): PanelRow => ({
        pair: r.pair,
        date: r.date,
        gap: Number(r.gap),
        coverage: Number(r.coverage),
        distanceKm: 100,
      })),
  );
}

describe('the placebo difference in one stacked regression (against R lm and sandwich)', () => {
  const rows = parse<Record<string, string>>(readFixture('analysis', 'report', 'stacked.csv'), {
    columns: true,
  });
  const maize = seriesColumns(rows, 'maize');
  const usd = seriesColumns(rows, 'usd');

  it('gives the coefficient of coverage × commodity, its clustered error and p', () => {
    const r = placeboDifference(maize, usd, spec);
    if (!('difference' in r)) throw new Error(JSON.stringify(r));
    expect(r.n).toBe(reference.get('stacked.n'));
    expect(r.clusters).toBe(5); // hyphenated pair ids of both series, one cluster per market pair
    close(r.difference.estimate, 'stacked.diff');
    close(r.difference.se, 'stacked.se', 1e-7);
    close(r.difference.p, 'stacked.p', 1e-6);
    close(r.placeboEffect, 'stacked.placebo');
  });

  it('equals the difference of the two separate regressions (fully interacted)', () => {
    const a = pairRegression(maize, spec);
    const b = pairRegression(usd, spec);
    if (!('coefficients' in a) || !('coefficients' in b)) throw new Error('no fit');
    close(a.coefficients[0].estimate - b.coefficients[0].estimate, 'separate.diff', 1e-7);
  });

  it('runs the wild cluster bootstrap of the difference with Webb weights on five clusters', () => {
    const r = placeboDifference(maize, usd, { ...spec, bootstrap: 99, seed: 7 });
    if (!('difference' in r)) throw new Error('no fit');
    expect(r.bootstrap).toMatchObject({ weights: 'webb', replications: 99, enumerated: false });
    expect(r.bootstrap!.p).toBeGreaterThanOrEqual(0);
    expect(r.bootstrap!.p).toBeLessThan(0.2); // the planted difference is large
  });
});

describe('beta-convergence clustered by date (against sandwich::vcovCL)', () => {
  it('gives the clustered standard error and p with dates − 1 df', () => {
    const rows = parse<Record<string, string>>(readFixture('analysis', 'report', 'beta.csv'), {
      columns: true,
    });
    const p = rows.map((r) => Object.values(r).map(Number));
    const b = betaConvergence(p)!;
    close(b.beta, 'beta.beta');
    close(b.betaSeClustered, 'beta.seClustered', 1e-7);
    close(b.betaPClustered, 'beta.pClustered', 1e-5);
    expect(b.clusters).toBe(39);
  });
});

describe('a break in the trend (segmented trend, Newey-West; against sandwich::NeweyWest)', () => {
  it('gives the change of slope, its HAC error and p', () => {
    const rows = parse<Record<string, string>>(readFixture('analysis', 'report', 'trend.csv'), {
      columns: true,
    });
    const r = trendBreakHac(
      rows.map((x) => Number(x.y)),
      rows.map((x) => Number(x.years)),
      reference.get('trend.t0'),
    )!;
    expect(r.lag).toBe(reference.get('trend.lag'));
    close(r.slopeChange, 'trend.slopeChange');
    close(r.slopeBefore, 'trend.slopeBefore');
    close(r.se, 'trend.se', 1e-7);
    close(r.p, 'trend.p', 1e-6);
  });

  it('refuses a date with fewer than 8 observations (or 15 %) on a side', () => {
    const t = Array.from({ length: 40 }, (_, i) => i);
    expect(trendBreakHac(t, t, 33)).toBeNull(); // 7 after
    expect(trendBreakHac(t, t, 32)).not.toBeNull();
  });
});

// A panel of 4 pairs over 40 dates where coverage switches for `switching` pairs.
function towerPanel(switching: number): PanelRow[] {
  const rows: PanelRow[] = [];
  for (let i = 0; i < 4; i++)
    for (let t = 0; t < 40; t++)
      rows.push({
        pair: `ken-m${i}-ken-z`,
        date: `2015-${String(1 + Math.floor(t / 4)).padStart(2, '0')}-${String(1 + (t % 4) * 7).padStart(2, '0')}`,
        gap: 0.1 + 0.01 * Math.sin(i * 7 + t),
        coverage: i < switching && t >= 20 + i ? 1 : 0,
        distanceKm: 100,
      });
  return rows;
}

describe('the design check: not identified, and why, with no number', () => {
  const towers: PairRegressionSpec = {
    ...spec,
    coverage: 'towers',
    fe: ['pair', 'date'],
    bootstrap: 99,
  };

  it('refuses a tower regression where a single pair changes coverage (its clustered s.e. is degenerate)', () => {
    const r = pairRegression(towerPanel(1), towers);
    expect(r).toMatchObject({ notIdentified: true, pairs: 4 });
    expect('coefficients' in r).toBe(false);
    expect((r as { reason: string }).reason).toMatch(/varies within only 1 cluster/);
    expect((r as { design: { switchingPairs: number } }).design.switchingPairs).toBe(1);
  });

  it('estimates once two pairs switch, and says when they did', () => {
    const r = pairRegression(towerPanel(2), towers);
    if (!('coefficients' in r)) throw new Error(JSON.stringify(r));
    expect(r.design).toMatchObject({
      switchingPairs: 2,
      firstSwitch: '2015-06-01',
      lastSwitch: '2015-06-08',
    });
    expect(r.coefficients[0].se).toBeGreaterThan(1e-10 * Math.abs(r.coefficients[0].estimate));
  });

  it('refuses national coverage with date fixed effects: the date effects absorb it', () => {
    const rows = towerPanel(0).map((r, k) => ({ ...r, coverage: 1 + (k % 40) / 10 }));
    const r = pairRegression(rows, { ...spec, fe: ['pair', 'date'] });
    expect(r).toMatchObject({ notIdentified: true });
    expect((r as { reason: string }).reason).toMatch(/national coverage is one value per date/);
  });

  it('measures collinearity by the condition number of the correlation matrix', () => {
    expect(
      conditionNumber([
        [4, 0],
        [0, 9],
      ]),
    ).toBeCloseTo(1, 12);
    expect(
      conditionNumber([
        [1, 1],
        [1, 1],
      ]),
    ).toBeGreaterThan(CONDITION_LIMIT);
  });
});

describe('the inference a sentence may use', () => {
  const webb = { p: 0.02, replications: 216, enumerated: true, weights: 'webb' };

  it('calls a result significant only by the bootstrap, and a clustered p with 3 clusters unreliable', () => {
    const r = inference(0.0001, 3, webb);
    expect(r.words).toBe(
      'wild cluster bootstrap p = 0.020 (Webb weights, all 216 weight vectors, 3 clusters); clustered p < 0.001 (unreliable with 3 clusters)',
    );
    expect(r.verdict).toBe('by the wild cluster bootstrap it is significant at the 5 % level');
  });

  it('draws no verdict from a clustered p with few clusters and no bootstrap', () => {
    const r = inference(0.0001, 3, null);
    expect(r.decisiveP).toBeNull();
    expect(r.verdict).toMatch(/no p-value here may be called significant \(3 clusters are too few/);
  });

  it('lets a clustered p decide with 30 clusters or more', () => {
    expect(inference(0.01, 45, null).verdict).toBe(
      'by the clustered t-test it is significant at the 5 % level',
    );
  });
});
