import { parse } from 'csv-parse/sync';
import { readFixture } from '../../../test/helpers/markets';
import { referenceValues } from '../../../test/helpers/reference-values';
import {
  alpsAt,
  eligibility,
  ifpaAt,
  MonthlyPrices,
  monthlyPrices,
  monthNumber,
} from './price-alerts';

// Reference values: test/fixtures/analysis/alerts/make_reference.R (lm(price ~ t + factor(month))
// and the compound growth rates by hand, in base R), on made-up WFP-shaped series and on North
// Korea's shipped rice survey as monthly means.
const { get: refValue, close } = referenceValues('analysis', 'alerts', 'expected.csv');
const rows = parse<Record<string, string>>(readFixture('analysis', 'alerts', 'prices.csv'), {
  columns: true,
});
const seriesOf = (market: string): MonthlyPrices =>
  monthlyPrices(
    rows
      .filter((r) => r.market === market)
      .map((r) => ({ t: monthNumber(r.month), price: Number(r.price) }))
      .sort((a, b) => a.t - b.t),
  );
const lastOf = (s: MonthlyPrices) => s.t[s.t.length - 1];

describe('ALPS and IFPA against R', () => {
  // nojan: no January at all, so R's reference month is February and k is 12, not 13
  it.each(['spike', 'gappy', 'short', 'nojan', 'prk-pyongyang', 'prk-sinuiju', 'prk-hyesan'])(
    '%s at its last month',
    (market) => {
      const s = seriesOf(market);
      const last = lastOf(s);
      expect(last).toBe(refValue(`${market}.last`));
      const a = alpsAt(s, last)!;
      close(a.value, `${market}.alps`, 1e-9);
      close(a.trend, `${market}.trend`, 1e-9);
      close(a.sigma, `${market}.sigma`, 1e-9);
      const i = ifpaAt(s, last);
      if (!('value' in i)) throw new Error(i.reason);
      close(i.value.value, `${market}.ifpa`, 1e-9);
      close(i.value.cqgr, `${market}.cqgr`, 1e-9);
      close(i.value.cagr, `${market}.cagr`, 1e-9);
      expect(i.value.years).toBe(refValue(`${market}.ifpaYears`));
    },
  );

  it('gives the ALPS statsmodels gives (a second independent fit: make_statsmodels.py)', () => {
    const sm = referenceValues('analysis', 'alerts', 'expected_statsmodels.csv');
    for (const market of [
      'spike',
      'gappy',
      'short',
      'nojan',
      'prk-pyongyang',
      'prk-sinuiju',
      'prk-hyesan',
    ]) {
      const s = seriesOf(market);
      const a = alpsAt(s, lastOf(s))!;
      sm.close(a.value, `${market}.alps`, 1e-9);
      sm.close(a.trend, `${market}.trend`, 1e-9);
      sm.close(a.sigma, `${market}.sigma`, 1e-9);
    }
  });

  it('recomputes history as of an earlier month from the months up to it', () => {
    const spike = seriesOf('spike');
    const asOf = monthNumber('2020-06');
    close(alpsAt(spike, asOf)!.value, 'spike.asOf.alps', 1e-9);
    close(alpsAt(spike, asOf)!.sigma, 'spike.asOf.sigma', 1e-9);
    const i = ifpaAt(spike, asOf);
    if (!('value' in i)) throw new Error(i.reason);
    close(i.value.value, 'spike.asOf.ifpa', 1e-9);
    const hyesan = seriesOf('prk-hyesan');
    close(alpsAt(hyesan, monthNumber('2013-05'))!.value, 'prk-hyesan.asOf.alps', 1e-9);
    // R has no IFPA there (NA): a growth rate is missing, and the reason says which
    expect(Number.isNaN(refValue('prk-hyesan.asOf.ifpa'))).toBe(true);
    expect(ifpaAt(hyesan, monthNumber('2013-05'))).toEqual({
      reason: expect.stringMatching(/^no price 3 or 12 months before 2013-05/) as string,
    });
  });

  it('finds the planted spike in the right month and class', () => {
    const s = seriesOf('spike');
    const last = lastOf(s);
    expect(alpsAt(s, last)!.class).toBe('crisis');
    // each of the 36 months before it, fitted as of its own month, is far below it and no crisis
    const before = Array.from(s.t.slice(-37, -1), (t) => alpsAt(s, t)!);
    expect(before.every((a) => a.class !== 'crisis')).toBe(true);
    expect(Math.max(...before.map((a) => a.value))).toBeLessThan(alpsAt(s, last)!.value / 3);
  });

  it('says which of WFP’s rules a series fails', () => {
    const short = seriesOf('short');
    expect(eligibility(short, lastOf(short))).toMatchObject({
      eligible: false,
      spanMonths: 30,
      reason: '30 months from the first value (2019-01) to the last (2021-06): at least 36 needed',
    });
    const spike = seriesOf('spike');
    expect(eligibility(spike, lastOf(spike))).toMatchObject({ eligible: true });
    const gappy = seriesOf('gappy');
    const g = eligibility(gappy, lastOf(gappy));
    expect(g.share).toBeCloseTo(gappy.t.length / 42, 12);
    // seven months after its last value: no value in the last 6 months
    expect(eligibility(spike, lastOf(spike) + 7)).toMatchObject({
      eligible: false,
      reason: 'no value in the 6 months to 2022-07 (the last is 2021-12)',
    });
  });
});
