import { parse } from 'csv-parse/sync';
import { readFixture } from '../../test/helpers/markets';
import { parseDailyNkSheet } from '../sources/dailynk-sheet/dailynk-sheet.parser';
import { gazetteerMarkets } from '../../test/helpers/markets';
import {
  DISPERSION_MEASURES,
  dispersionByYear,
  dispersionOf,
  dispersionSeries,
  PricePoint,
} from './dispersion';

// Reference values: test/fixtures/analysis/dispersion/make_reference.py (Python standard library).
const expected = JSON.parse(readFixture('analysis', 'dispersion', 'expected.json')) as Record<
  string,
  { series: Record<string, number | string>[]; byYear: Record<string, number>[] }
>;

function expectClose(actual: Record<string, unknown>[], wanted: Record<string, unknown>[]) {
  expect(actual).toHaveLength(wanted.length);
  actual.forEach((a, i) => {
    for (const [k, v] of Object.entries(wanted[i])) {
      if (typeof v === 'number')
        expect(Math.abs((a[k] as number) - v)).toBeLessThanOrEqual(
          1e-12 * Math.max(1, Math.abs(v)),
        );
      else expect(a[k]).toEqual(v);
    }
  });
}

const unbalanced = (): PricePoint[] =>
  parse<Record<string, string>>(readFixture('analysis', 'dispersion', 'unbalanced.csv'), {
    columns: true,
  }).map((r) => ({
    date: r.date,
    market: r.market,
    value: Number(r.value),
  }));

describe('dispersion measures', () => {
  it('works out one date by hand: 100, 200, 400', () => {
    const d = dispersionOf('2020-01-01', [100, 200, 400])!;
    // mean 700/3; population variance ((−400/3)²+(−100/3)²+(500/3)²)/3 = 420000/27
    expect(d.mean).toBeCloseTo(233.3333333333, 9);
    expect(d.cv).toBeCloseTo(Math.sqrt(420000 / 27) / (700 / 3), 12);
    expect(d.cvSample).toBeCloseTo(Math.sqrt(420000 / 18) / (700 / 3), 12);
    // ln prices are ln100 + {0, ln2, 2 ln2}: population SD = ln2·sqrt(2/3)
    expect(d.sdLog).toBeCloseTo(Math.LN2 * Math.sqrt(2 / 3), 12);
    expect(d.maxMinRatio).toBe(4);
    // pairs: ln2, 2ln2, ln2 → mean 4ln2/3
    expect(d.meanAbsLogDiff).toBeCloseTo((4 * Math.LN2) / 3, 12);
  });

  it('has nothing to say about fewer than two prices', () => {
    expect(dispersionOf('2020-01-01', [5000])).toBeUndefined();
    expect(dispersionOf('2020-01-01', [])).toBeUndefined();
  });

  it('matches the Python reference on the shipped rice archive, date by date and by year', () => {
    const ctx = { markets: gazetteerMarkets() };
    const rows = parseDailyNkSheet(
      readFixture('..', '..', 'data', 'archive', 'dailynk-sheet', 'rice.csv'),
      'rice',
      ctx,
    ).observations;
    const series = dispersionSeries(
      rows.map((o) => ({ date: o.surveyDate, market: o.marketId, value: o.value })),
    );
    expectClose(series as unknown as Record<string, unknown>[], expected.riceArchive.series);
    expectClose(
      dispersionByYear(series) as unknown as Record<string, unknown>[],
      expected.riceArchive.byYear,
    );
  });

  it('matches the reference with missing dates and unequal markets, skipping dates with one market', () => {
    const series = dispersionSeries(unbalanced());
    expect(series.map((d) => `${d.date}:${d.n}`)).toEqual([
      '2015-01-04:3',
      '2015-01-18:2',
      '2015-02-15:4',
      '2016-03-06:4',
      '2016-03-20:2',
    ]);
    expectClose(series as unknown as Record<string, unknown>[], expected.unbalanced.series);
    expectClose(
      dispersionByYear(series) as unknown as Record<string, unknown>[],
      expected.unbalanced.byYear,
    );
  });

  it('keeps only dates where every market was observed when asked for a balanced panel', () => {
    const series = dispersionSeries(unbalanced(), {
      balancedOver: ['pyongyang', 'sinuiju', 'hyesan'],
    });
    expectClose(
      series as unknown as Record<string, unknown>[],
      expected.unbalancedBalancedOver3.series,
    );
    expect(DISPERSION_MEASURES).toHaveLength(6);
  });
});
