import { parse } from 'csv-parse/sync';
import { readFixture } from '../../../test/helpers/markets';
import { referenceValues } from '../../../test/helpers/reference-values';
import { betaConvergence } from './beta-convergence';
import { baiPerron, chowTest, chowTestHac } from './breaks';
import { holmAdjust } from './multiple-testing';
import { adf, granger, grangerLagsByBic, halfLife } from './time-series';
import { mannKendall } from './trend';

// Reference values: test/fixtures/analysis/timeseries/make_reference.R (R: lm, urca, lmtest, strucchange).
const input = parse<Record<string, string>>(readFixture('analysis', 'timeseries', 'input.csv'), {
  columns: true,
});
const { get: R, close: closeTo } = referenceValues('analysis', 'timeseries', 'expected.csv');
const close = (actual: number, name: string, rel = 1e-6) => closeTo(actual, name, rel, 1e-12);

const markets = ['pyongyang', 'sinuiju', 'hyesan'];
const logP = (m: string) => input.map((r) => Math.log(Number(r[m])));
const days = input.map((r) => Date.parse(`${r.date}T00:00:00Z`) / 86_400_000);
const cv = input.map((r) => {
  const p = markets.map((m) => Number(r[m]));
  const mean = p.reduce((a, b) => a + b, 0) / 3;
  return Math.sqrt(p.reduce((a, v) => a + (v - mean) ** 2, 0) / 3) / mean;
});

describe('law of one price: AR(1) half-lives (against R lm)', () => {
  it.each([
    ['pyongyang', 'sinuiju'],
    ['pyongyang', 'hyesan'],
    ['sinuiju', 'hyesan'],
  ])('%s-%s', (a, b) => {
    const pa = logP(a);
    const pb = logP(b);
    const h = halfLife(
      pa.map((v, i) => v - pb[i]),
      days,
    );
    const key = `ar1.${a}-${b}`;
    close(h.c, `${key}.c`);
    close(h.rho, `${key}.rho`);
    close(h.rhoSe, `${key}.rhoSe`);
    expect(h.n).toBe(R(`${key}.n`));
    expect(h.medianIntervalDays).toBe(R(`${key}.medianDays`));
    expect(h.halfLifeIntervals).toBeCloseTo(Math.log(0.5) / Math.log(R(`${key}.rho`)), 9);
    if ((h.halfLifeIntervals as number) >= 1)
      expect(h.halfLifeDays).toBeCloseTo(
        (h.halfLifeIntervals as number) * R(`${key}.medianDays`),
        9,
      );
    else expect(h.halfLifeDays).toBeNull(); // under one survey interval: never in days
    expect(h.underOneInterval).toBe((h.halfLifeIntervals as number) < 1);
  });

  it('has no half-life when rho is outside (0, 1)', () => {
    const alternating = Array.from({ length: 30 }, (_, i) => (i % 2 ? 1 : -1) * (1 + i / 100));
    const h = halfLife(alternating);
    expect(h.rho).toBeLessThan(0);
    expect(h.halfLifeIntervals).toBeNull();
  });
});

describe('ADF, Granger (against urca and lmtest)', () => {
  const q = logP('pyongyang').map((v, i) => v - logP('hyesan')[i]);

  it('matches ur.df(type = "drift", lags = 4, selectlags = "AIC")', () => {
    const r = adf(q, 4);
    close(r.tau, 'adf.pyongyang-hyesan.tau');
    expect(r.lags).toBe(R('adf.pyongyang-hyesan.lags'));
    expect(r.criticalValues['5pct']).toBeCloseTo(-2.88, 2);
  });

  it('matches grangertest in both directions and picks the lag order by BIC', () => {
    const diff = (v: number[]) => v.slice(1).map((x, i) => x - v[i]);
    const dp = diff(logP('pyongyang'));
    const dh = diff(logP('hyesan'));
    const g1 = granger(dp, dh, 2);
    close(g1.f, 'granger.pyongyang->hyesan.F');
    close(g1.p, 'granger.pyongyang->hyesan.p');
    const g2 = granger(dh, dp, 2);
    close(g2.f, 'granger.hyesan->pyongyang.F');
    close(g2.p, 'granger.hyesan->pyongyang.p');
    expect(grangerLagsByBic(dp, dh, 4)).toBe(R('granger.pyongyang->hyesan.bicLags'));
  });
});

describe('trend and breaks in the dispersion series (against R and strucchange)', () => {
  it('Mann-Kendall with the Hamed-Rao correction and Sen slope', () => {
    const years = days.map((d) => d / 365.25);
    const r = mannKendall(cv, years)!;
    expect(r.s).toBe(R('mk.cv.S'));
    close(r.varS, 'mk.cv.varS');
    close(r.nOverNStar, 'mk.cv.nOverNStar');
    close(r.z!, 'mk.cv.z');
    close(r.p!, 'mk.cv.p');
    close(r.senSlopePerStep, 'mk.cv.senPerStep');
    close(r.senSlopePerYear!, 'mk.cv.senPerYear');
    expect(mannKendall([1, 2, 3])).toBeNull();
  });

  it('gives no z or p when the Hamed-Rao factor is not positive (found on a WFP series)', () => {
    // ranks that alternate low/high: lag-1 rank autocorrelation strongly negative
    const r = mannKendall([1, 9.7, 2, 9.1, 3, 8.5, 4, 7.9])!;
    expect(r.nOverNStar).toBeCloseTo(-0.0473, 4);
    expect(r.varSCorrected).toBeLessThan(0);
    expect(r.z).toBeNull();
    expect(r.p).toBeNull();
  });

  it('Chow test at 2013-05-01', () => {
    const point = R('chow.cv.point');
    const r = chowTest(cv, point)!;
    close(r.f, 'chow.cv.F');
    close(r.p, 'chow.cv.p');
  });

  it('Chow level shift with Newey-West (HAC) errors, against sandwich::NeweyWest and coeftest', () => {
    const r = chowTestHac(cv, R('chow.cv.point'))!;
    expect(r.lag).toBe(R('chowHac.cv.lag'));
    close(r.shift, 'chowHac.cv.shift');
    close(r.se, 'chowHac.cv.se');
    close(r.t, 'chowHac.cv.t');
    close(r.p, 'chowHac.cv.p');
    expect(chowTestHac(cv, 1)).toBeNull();
  });

  it('Bai-Perron breaks with h = 0.15, the number chosen by BIC', () => {
    const r = baiPerron(cv)!;
    r.bic.forEach((b) => close(b.bic, `bp.cv.bic.${b.breaks}`));
    expect(r.bic).toHaveLength(6);
    expect(r.breaks).toHaveLength(R('bp.cv.nbreaks'));
    expect(r.breaks[0]).toBe(R('bp.cv.break.1'));
  });

  it('Bai-Perron finds a planted break exactly', () => {
    const y = [
      ...Array(40)
        .fill(0)
        .map((_, i) => 1 + 0.01 * Math.sin(i)),
      ...Array(40)
        .fill(0)
        .map((_, i) => 2 + 0.01 * Math.cos(i)),
    ];
    expect(baiPerron(y)!.breaks).toEqual([40]);
  });
});

describe('beta-convergence (against R lm)', () => {
  it('pools Δp on the deviation from the cross-market mean', () => {
    const panel = input.map((_, t) => markets.map((m) => logP(m)[t]));
    const r = betaConvergence(panel)!;
    expect(r.n).toBe(R('beta.n'));
    close(r.alpha, 'beta.alpha');
    close(r.beta, 'beta.beta');
    close(r.betaSe, 'beta.betaSe');
  });
});

describe("Holm's adjustment (against R p.adjust)", () => {
  it('adjusts the six Granger p-values of three pairs, in their input order', () => {
    const raw = [1, 2, 3, 4, 5, 6].map((i) => R(`holm.raw.${i}`));
    holmAdjust(raw).forEach((p, i) => close(p, `holm.adj.${i + 1}`));
    expect(holmAdjust([])).toEqual([]);
  });

  it('reproduces the Granger p-values it adjusts (order 1, each pair both ways)', () => {
    const pairs = [
      ['pyongyang', 'sinuiju'],
      ['pyongyang', 'hyesan'],
      ['sinuiju', 'hyesan'],
    ];
    const diff = (v: number[]) => v.slice(1).map((x, i) => x - v[i]);
    const ps = pairs.flatMap(([a, b]) => [
      granger(diff(logP(a)), diff(logP(b)), 1).p,
      granger(diff(logP(b)), diff(logP(a)), 1).p,
    ]);
    ps.forEach((p, i) => close(p, `holm.raw.${i + 1}`));
  });
});
