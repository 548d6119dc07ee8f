import { parse } from 'csv-parse/sync';
import { readFixture } from '../../../test/helpers/markets';
import { referenceValues } from '../../../test/helpers/reference-values';
import { fixtureInput } from '../../../test/helpers/cross-country-fixture';
import { buildCrossCountryPanel } from './cross-country-panel';
import { pairLevelTwfe } from './pair-level';
import {
  leaveOneCountryOut,
  perCountryEstimates,
  poolCountries,
  twfeSeriesLevel,
} from './cross-country-estimators';

// Reference values: test/fixtures/analysis/cross-country/make_reference.R (base R lm with factor
// fixed effects, sandwich::vcovCL, metafor::rma, and an exact enumeration of the wild bootstrap).
const fixture = (name: string) =>
  parse<Record<string, string>>(readFixture('analysis', 'cross-country', name), { columns: true });
const { get: refValue, close } = referenceValues('analysis', 'cross-country', 'expected.csv');

const options = { minMarkets: 3, minMonths: 24, measure: 'meanAbsLogDiff' as const };

describe('the cross-country panel', () => {
  const { prices, subscriptions } = fixtureInput();
  const panel = buildCrossCountryPanel(prices, subscriptions, options);

  it('has the rows R builds: entering series, months with 2 markets and a coverage value', () => {
    expect(panel.rows).toHaveLength(refValue('panel.rows'));
    expect(panel.series).toHaveLength(refValue('panel.series'));
    close(
      panel.rows.reduce((s, r) => s + r.d, 0),
      'panel.sumD',
      1e-12,
    );
    close(
      panel.rows.reduce((s, r) => s + r.coverage, 0),
      'panel.sumCoverage',
      1e-12,
    );
    expect(panel.rowsWithoutCoverage).toEqual({ EEE: refValue('panel.rowsWithoutCoverage.EEE') });
    // row by row against R's panel.csv
    const want = fixture('panel.csv');
    const got = new Map(panel.rows.map((r) => [`${panel.series[r.series].id}|${r.month}`, r]));
    for (const w of want) {
      const r = got.get(`${w.series}|${w.month}`)!;
      expect(r.markets).toBe(Number(w.markets));
      expect(Math.abs(r.d - Number(w.d))).toBeLessThan(1e-12);
      expect(Math.abs(r.coverage - Number(w.coverage))).toBeLessThan(1e-9);
    }
  });

  it('says which series and countries are left out, and why', () => {
    expect(panel.countries).toEqual(['AAA', 'BBB', 'CCC', 'DDD', 'EEE']);
    expect(panel.leftOut).toEqual(
      expect.arrayContaining([
        {
          country: 'FFF',
          reason: expect.stringContaining('no subscriptions series') as string,
        },
        {
          country: 'AAA',
          series: 'AAA|beans|KG|retail|AAAC',
          reason: '2 of its 2 markets have a price in at least 24 months (minMarkets 3)',
        },
      ]),
    );
  });
});

describe('the cross-country estimators against R', () => {
  const { prices, subscriptions } = fixtureInput();
  const panel = buildCrossCountryPanel(prices, subscriptions, options);

  it('two-way fixed effects at the series level, clustered by country (lm + vcovCL)', () => {
    const fit = twfeSeriesLevel(panel.rows, { bootstrap: 9999, seed: 1 });
    if (!fit.identified) throw new Error(fit.reason);
    close(fit.estimate, 'twfe.estimate', 1e-8);
    close(fit.se, 'twfe.se', 1e-8);
    close(fit.p, 'twfe.p', 1e-7);
    close(fit.ci95[0], 'twfe.ci95.lo', 1e-8);
    close(fit.ci95[1], 'twfe.ci95.hi', 1e-8);
    expect(fit.clusters).toBe(refValue('twfe.clusters'));
    // 6^5 = 7,776 Webb weight vectors ≤ 9,999 replications: enumerated, as R enumerates them
    expect(fit.bootstrap).toMatchObject({
      enumerated: true,
      replications: refValue('twfe.bootstrap.replications'),
      weights: 'webb',
      clusters: 5,
    });
    close(fit.bootstrap!.p, 'twfe.bootstrap.p', 1e-12);
  });

  it('the pair level: every pair of every series, pair and month effects, clustered by country', () => {
    const fit = pairLevelTwfe(panel, { bootstrap: 9999, seed: 1 });
    if (!fit.identified) throw new Error(fit.reason);
    expect(fit.n).toBe(refValue('pairLevel.n'));
    expect(fit.pairs).toBe(refValue('pairLevel.pairs'));
    close(fit.estimate, 'pairLevel.estimate', 1e-8);
    close(fit.se, 'pairLevel.se', 1e-8);
    close(fit.bootstrap!.p, 'pairLevel.bootstrap.p', 1e-12);
  });

  it('the coefficient-of-variation measure', () => {
    const cv = buildCrossCountryPanel(prices, subscriptions, { ...options, measure: 'cv' });
    const fit = twfeSeriesLevel(cv.rows, { bootstrap: 0, seed: 1 });
    if (!fit.identified) throw new Error(fit.reason);
    close(fit.estimate, 'twfeCv.estimate', 1e-8);
    close(fit.se, 'twfeCv.se', 1e-8);
  });

  it('leaves each country out in turn', () => {
    const loo = leaveOneCountryOut(panel.rows, panel.countries);
    for (const l of loo) close(l.estimate!, `loo.${l.country}`, 1e-8);
  });

  it('each country’s pair regression (pair effects, clustered by pair) and their pooling (metafor)', () => {
    const each = perCountryEstimates(panel);
    for (const e of each) {
      expect(e.n).toBe(refValue(`country.${e.country}.n`));
      expect(e.pairs).toBe(refValue(`country.${e.country}.pairs`));
      close(e.estimate!, `country.${e.country}.estimate`, 1e-8);
      close(e.se!, `country.${e.country}.se`, 1e-8);
      close(e.p!, `country.${e.country}.p`, 1e-6);
    }
    const pooled = poolCountries(each);
    for (const [fit, m] of [
      [pooled.reml!, 'REML'],
      [pooled.dl!, 'DL'],
    ] as const) {
      close(fit.estimate, `pooled.${m}.estimate`, 1e-6);
      close(fit.se, `pooled.${m}.se`, 1e-6);
      close(fit.p, `pooled.${m}.p`, 1e-5);
      close(fit.tau2, `pooled.${m}.tau2`, 1e-5);
      close(fit.i2, `pooled.${m}.i2`, 1e-6);
      close(fit.q, `pooled.${m}.q`, 1e-9);
      close(fit.qP, `pooled.${m}.qP`, 1e-7);
      close(fit.ci95[0], `pooled.${m}.ci95.lo`, 1e-6);
      close(fit.ci95[1], `pooled.${m}.ci95.hi`, 1e-6);
    }
  });

  it('is not identified with one country: its coverage is one value per month', () => {
    const fit = twfeSeriesLevel(
      panel.rows.filter((r) => r.country === 'AAA'),
      { bootstrap: 0, seed: 1 },
    );
    expect(fit).toMatchObject({ identified: false, clusters: 1 });
  });
});
