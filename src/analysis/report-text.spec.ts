import {
  chowSentence,
  halfLifeSentence,
  halfLifeTrendSentence,
  networkSentence,
  PairHalfLife,
  placeboSentence,
  RegressionForText,
  regressionSentence,
  trendSentence,
} from './report-text';

// The report's sentence rules on fixed inputs. The regression numbers are those of the shipped
// 2009-2019 archive (rice and its USD placebo, national coverage, pair FE, clustered by pair).
const reg = (
  estimate: number,
  p: number,
  bootP: number | null,
  extra: Partial<RegressionForText> = {},
): RegressionForText => ({
  coefficients: [{ name: 'coverage', estimate, se: 0.0001, p }],
  pairs: 3,
  n: 492,
  bootstrap: bootP === null ? null : { p: bootP, replications: 216, enumerated: true },
  ...extra,
});

describe('the placebo sentence compares like with like', () => {
  const rice = reg(-0.0036130318700889896, 0.0004929548511429793, 0.1388888888888889);
  const usd = reg(-0.0039839179985694875, 0.015651968549857953, 0.4722222222222222);

  it('on the archive: quotes both p-values for both, and says the coefficient likely picks up a common trend', () => {
    const s = placeboSentence('rice', rice, usd);
    expect(s).toContain(
      'coverage coefficient of -0.00398 (clustered p = 0.016; wild cluster bootstrap p = 0.472), against -0.00361 for rice (clustered p < 0.001; wild cluster bootstrap p = 0.139)',
    );
    expect(s).toMatch(
      /moves like the commodity \(the same sign, as large or larger and significant by the clustered p-value\)/,
    );
    expect(s).toMatch(/likely picking up a common trend/);
    expect(s).not.toMatch(/as it should|no significant effect/);
  });

  it('a small placebo with the same sign, insignificant by both p-values, is read as no effect', () => {
    const s = placeboSentence('rice', rice, reg(-0.001, 0.4, 0.6));
    expect(s).toMatch(/not significant by either p-value and smaller/);
  });

  it('a significant placebo of the opposite sign is not called reassuring', () => {
    const s = placeboSentence('rice', rice, reg(0.002, 0.01, 0.03));
    expect(s).toMatch(/significant with the opposite sign/);
  });
});

describe('the interaction: the coverage coefficient is the effect at zero distance', () => {
  it('reports the effect at the mean pair distance, its range over pairs, and the interaction test', () => {
    const r = reg(-0.00361, 0.0005, 0.139, {
      coefficients: [
        { name: 'coverage', estimate: -0.00361, se: 0.00008, p: 0.0005 },
        { name: 'distance_x_coverage', estimate: 0.00033, se: 0.00005, p: 0.0194 },
      ],
      coverageEffectByDistance: {
        atMeanDistance: { distanceKm: 283, estimate: -0.00268, se: 0.00005, p: 0.0004 },
        byPair: [
          { pair: 'hyesan-sinuiju', distanceKm: 350, estimate: -0.00246, p: 0.001 },
          { pair: 'pyongyang-sinuiju', distanceKm: 166, estimate: -0.00306, p: 0.001 },
        ],
      },
    });
    const s = regressionSentence('National coverage', r, 'one more subscription per 100');
    expect(s).toMatch(/is the effect at zero distance/);
    expect(s).toMatch(
      /At the mean pair distance \(283 km\) one more subscription per 100 goes with narrower price gaps, -0.00268/,
    );
    expect(s).toMatch(
      /from -0.00306 at 166 km \(pyongyang-sinuiju\) to -0.00246 at 350 km \(hyesan-sinuiju\)/,
    );
    expect(s).toMatch(
      /the interaction itself is 0.00033 per 100 km \(clustered p = 0.019: significant/,
    );
    expect(s).toMatch(/By the bootstrap the coverage coefficient is not significant/);
  });
});

describe('half-life sentences', () => {
  const adf = (tau: number) => ({ tau, criticalValues: { '5pct': -2.91 } });
  const life = (
    a: string,
    b: string,
    rho: number,
    tau: number,
    hl: number | null,
  ): PairHalfLife => ({
    a,
    b,
    rho,
    halfLifeIntervals: hl,
    halfLifeDays: hl !== null && hl >= 1 ? hl * 16 : null,
    adf: adf(tau),
  });

  it('never gives a half-life under one survey interval in days', () => {
    const s = halfLifeSentence(
      { from: '2009-08-15', to: '2013-04-30' },
      [
        life('hyesan', 'pyongyang', 0.045, -6.67, 0.22),
        life('hyesan', 'sinuiju', 0.297, -4.65, 0.57),
      ],
      0,
    );
    expect(s).toMatch(/halve in under one survey interval/);
    expect(s).not.toMatch(/days/);
  });

  it('says a gap whose ADF test does not reject a unit root shows no mean reversion, with no half-life', () => {
    const s = halfLifeSentence(
      { from: '2009-08-15', to: '2013-04-30' },
      [life('pyongyang', 'sinuiju', 0.208, -2.23, 0.44), life('a', 'b', 0.8, -3.5, 3.1)],
      0,
    );
    expect(s).toMatch(
      /the gap between pyongyang and sinuiju shows no mean reversion \(ADF τ = -2.23 does not reject a unit root at 5 %, critical value -2.91\), so it has no half-life/,
    );
    expect(s).not.toMatch(/pyongyang–sinuiju halve/);
    expect(s).toMatch(
      /deviations from the law of one price between a–b halve in 3.10 survey intervals \(about 50 days\)/,
    );
  });

  it('says so when half-lives lengthen as coverage grows: it runs against the hypothesis', () => {
    const early = [life('a', 'b', 0.045, -6, 0.22), life('a', 'c', 0.21, -5, 0.44)];
    const late = [life('a', 'b', 0.36, -5, 0.67), life('a', 'c', 0.44, -4, 0.83)];
    const s = halfLifeTrendSentence([
      { from: '2009-08-15', to: '2013-04-30', lives: early },
      { from: '2013-05-01', to: '2019-12-22', lives: late },
    ])!;
    expect(s).toMatch(/Half-lives lengthened as mobile coverage grew/);
    expect(s).toMatch(/runs against the hypothesis/);
    const back = halfLifeTrendSentence([
      { from: '2009', to: '2013', lives: late },
      { from: '2013', to: '2019', lives: early },
    ])!;
    expect(back).toMatch(/shortened .* as the hypothesis expects/);
    expect(halfLifeTrendSentence([{ from: 'x', to: 'y', lives: early }])).toBeNull();
  });
});

describe('Chow tests on an autocorrelated series', () => {
  const chow = {
    date: '2013-05-01',
    f: 18.34,
    p: 3e-5,
    hac: { shift: -0.018, t: -2.99, p: 0.0032, lag: 4 },
  };

  it('says the classical p-value is overstated and gives the Newey-West test when Hamed-Rao finds autocorrelation', () => {
    const s = chowSentence(chow, { nOverNStar: 2.43 });
    expect(s).toMatch(
      /assumes independent errors, but the series is autocorrelated \(Hamed-Rao variance factor 2.43\), so that p-value is overstated/,
    );
    expect(s).toMatch(
      /with Newey-West errors \(lag 4\) the shift of -0.0180 has t = -2.99, p = 0.003/,
    );
  });

  it('gives both without the warning when there is no autocorrelation', () => {
    const s = chowSentence(chow, { nOverNStar: 1 });
    expect(s).not.toMatch(/overstated/);
    expect(s).toMatch(/F = 18.34, p < 0.001/);
  });
});

describe('Granger sentences', () => {
  const edge = (a: string, b: string, leader: string | null, pAB: number, pBA: number) => ({
    a,
    b,
    leader,
    granger: { aToB: { pHolm: pAB }, bToA: { pHolm: pBA } },
  });

  it('say "precedes", name the Holm adjustment and its family, and warn that precedence is not cause', () => {
    const s = networkSentence(
      [
        { market: 'hyesan', leads: 1, ledBy: 0 },
        { market: 'pyongyang', leads: 0, ledBy: 2 },
        { market: 'sinuiju', leads: 1, ledBy: 0 },
      ],
      [
        edge('hyesan', 'pyongyang', 'hyesan', 0.0004, 0.78),
        edge('hyesan', 'sinuiju', null, 0.16, 0.83),
        edge('pyongyang', 'sinuiju', 'sinuiju', 0.78, 0.0046),
      ],
      6,
    );
    expect(s).toMatch(/Holm-adjusted over 6 tests \(every pair, both directions\)/);
    expect(s).toMatch(/hyesan's price changes precede pyongyang's \(adjusted p < 0.001\)/);
    expect(s).toMatch(/sinuiju's price changes precede pyongyang's \(adjusted p = 0.005\)/);
    expect(s).not.toMatch(/\blead/);
    expect(s).toMatch(/prediction, not cause/);
  });
});

describe('the trend sentence without a valid Hamed-Rao variance', () => {
  it('says the test cannot be corrected and claims no significance', () => {
    const text = trendSentence('coefficient of variation', {
      n: 8,
      senSlopePerYear: -0.0021,
      senSlopePerStep: -0.0001,
      z: null,
      p: null,
      nOverNStar: -0.047,
    });
    expect(text).toBe(
      "Across 8 survey dates the cross-market coefficient of variation fell (Sen's slope -0.00210 per year); the Mann-Kendall test cannot be corrected for autocorrelation here (the Hamed-Rao factor n/n* is -0.05, not positive, so the corrected variance is undefined), and no significance is claimed.",
    );
  });
});
