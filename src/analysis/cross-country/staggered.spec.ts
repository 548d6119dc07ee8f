import { parse } from 'csv-parse/sync';
import { readFixture } from '../../../test/helpers/markets';
import { referenceValues } from '../../../test/helpers/reference-values';
import { buildCrossCountryPanel } from './cross-country-panel';
import { fixtureInput } from '../../../test/helpers/cross-country-fixture';
import type { SeriesMonthRow } from './cross-country-panel';
import { Adoption, adoptionMonths } from './adoption';
import { callawaySantAnna } from './callaway-santanna';
import { eventStudyTwfe, staticTwfe } from './event-study';

// Reference values: test/fixtures/analysis/cross-country/make_staggered.R (lm with factors and
// sandwich::vcovCL for the TWFE estimates; every group-time comparison of Callaway and Sant'Anna
// written out by hand in base R) and make_reference.R for the adoption months.
const fixture = (name: string) =>
  parse<Record<string, string>>(readFixture('analysis', 'cross-country', name), { columns: true });
const { get: refValue, close } = referenceValues(
  'analysis',
  'cross-country',
  'staggered-expected.csv',
);

const rows: SeriesMonthRow[] = fixture('staggered-panel.csv').map((r) => ({
  series: Number(r.series),
  country: r.country,
  month: r.month,
  d: Number(r.d),
  markets: 0,
  pairs: 0,
  coverage: 0,
}));
const adoption: Adoption[] = fixture('staggered-adoption.csv').map((r) => ({
  country: r.country,
  status: r.status as Adoption['status'],
  month: r.adoption || null,
  reason: '',
}));
const dummy = (e: number) => `e${e < 0 ? `m${-e}` : e}`;

describe('adoption months', () => {
  it('are the first month at the threshold, as R finds them', () => {
    const { prices, subscriptions } = fixtureInput();
    const panel = buildCrossCountryPanel(prices, subscriptions, {
      minMarkets: 3,
      minMonths: 24,
      measure: 'meanAbsLogDiff',
    });
    const ref = referenceValues('analysis', 'cross-country', 'expected.csv');
    const found = adoptionMonths(subscriptions, panel.countries, 10, '2018-12');
    for (const a of found) {
      const want = ref.get(`adopt.${a.country}`);
      const [y, m] = a.month!.split('-').map(Number);
      expect(y * 12 + m - 1).toBe(want);
    }
  });

  it('calls a country at the threshold at its first value "always", and one below it "never"', () => {
    const subs = new Map([
      ['AAA', [{ date: '2005-12-31', value: 12 }]],
      [
        'BBB',
        [
          { date: '2005-12-31', value: 1 },
          { date: '2010-12-31', value: 4 },
        ],
      ],
    ]);
    expect(adoptionMonths(subs, ['AAA', 'BBB'], 10, '2012-12')).toEqual([
      expect.objectContaining({ status: 'always', month: null }),
      expect.objectContaining({ status: 'never', month: null }),
    ]);
  });
});

describe('the staggered-adoption estimators against R', () => {
  it('the event study by TWFE, clustered by country, and the joint test of its leads', () => {
    const es = eventStudyTwfe(rows, adoption);
    if (!es.identified) throw new Error(es.reason);
    expect(es.n).toBe(refValue('n'));
    expect(es.clusters).toBe(refValue('clusters'));
    expect(es.coefficients).toHaveLength(refValue('event.kept'));
    for (const c of es.coefficients) {
      close(c.estimate, `event.${dummy(c.eventYear)}.estimate`, 1e-7);
      close(c.se, `event.${dummy(c.eventYear)}.se`, 1e-7);
    }
    if (!('f' in es.preTrend)) throw new Error(es.preTrend.untestable);
    close(es.preTrend.f, 'event.preTrend.f', 1e-6);
    expect(es.preTrend.df1).toBe(refValue('event.preTrend.df1'));
    close(es.preTrend.p, 'event.preTrend.p', 1e-6);
  });

  it('Callaway and Sant’Anna: every group-time ATT, the aggregations and their clustered errors', () => {
    const cs = callawaySantAnna(rows, adoption);
    const cells = cs.cells.filter((c) => c.att !== null);
    expect(cells).toHaveLength(refValue('cs.cells'));
    for (const c of cells) close(c.att!, `cs.att.${c.cohort}.${c.year}`, 1e-9);
    close(cs.simple!.estimate, 'cs.simple.estimate', 1e-9);
    close(cs.simple!.se!, 'cs.simple.se', 1e-9);
    for (const d of cs.dynamic) {
      close(d.estimate, `cs.dynamic.${d.eventYear}.estimate`, 1e-9);
      close(d.se!, `cs.dynamic.${d.eventYear}.se`, 1e-9);
    }
    expect(cs.dynamic.filter((d) => d.eventYear < 0)).toHaveLength(refValue('cs.preYears'));
    if (!cs.preTrend || !('f' in cs.preTrend)) throw new Error('no pre-trend test');
    close(cs.preTrend.f, 'cs.preTrend.f', 1e-6);
    close(cs.preTrend.p, 'cs.preTrend.p', 1e-5);
  });

  it('recovers the planted effect where the static TWFE does not (heterogeneous, growing effects)', () => {
    const truth = refValue('truth.simple');
    const cs = callawaySantAnna(rows, adoption);
    const twfe = staticTwfe(rows, adoption);
    if (!twfe.identified) throw new Error(twfe.reason);
    close(twfe.estimate, 'static.estimate', 1e-7);
    close(twfe.se, 'static.se', 1e-7);
    // the robust estimate is within 5 % of the truth; the TWFE one misses it by more than half
    expect(Math.abs(cs.simple!.estimate - truth)).toBeLessThan(0.05 * Math.abs(truth));
    expect(Math.abs(twfe.estimate - truth)).toBeGreaterThan(0.5 * Math.abs(truth));
    // and the dynamic effects track the planted ones year by year
    for (const d of cs.dynamic.filter((x) => x.eventYear >= 0 && x.eventYear <= 5))
      expect(Math.abs(d.estimate - refValue(`truth.dynamic.${d.eventYear}`))).toBeLessThan(0.003);
  });
});
