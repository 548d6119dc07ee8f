import {
  betaSentence,
  chowSentence,
  halfLifeChangeSentence,
  halfLifeSentence,
  LIST_MAX,
  listed,
  NAMED_PAIRS_MAX,
  networkSentence,
  PairHalfLife,
  trendBreakSentence,
  trendSentence,
} from './report-text';

// The report's sentence rules on fixed inputs (numbers of the shipped 2009-2019 archive where
// they are realistic).

describe('half-life sentences', () => {
  const adf = (tau: number) => ({ tau, lags: 4, criticalValues: { '5pct': -2.91 } });
  const life = (
    a: string,
    b: string,
    rho: number,
    tau: number,
    hl: number | null,
  ): PairHalfLife => ({
    a,
    b,
    n: 64,
    rho,
    rhoSe: 0.1,
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

  it('says the data cannot reject a unit root (with n, lags and low power), never "no mean reversion"', () => {
    const s = halfLifeSentence(
      { from: '2009-08-15', to: '2013-04-30', medianIntervalDays: 16 },
      [life('pyongyang', 'sinuiju', 0.208, -2.23, 0.44), life('a', 'b', 0.8, -3.5, 3.1)],
      0,
      (m) => m[0].toUpperCase() + m.slice(1),
    );
    expect(s).toMatch(
      /for Pyongyang–Sinuiju the data cannot reject a unit root in the gap \(ADF τ = -2.23 against -2.91 at 5 %, n = 64, 4 lags; the test has low power at this n\), so no half-life is given/,
    );
    expect(s).not.toMatch(/no mean reversion/);
    // days at the period's median interval (16 days), not each pair's own
    expect(s).toMatch(
      /between A–B halve in 3.10 survey intervals \(about 50 days at the period's median interval of 16 days\)/,
    );
  });

  it('counts the pairs instead of naming them when there are more than a sentence can hold', () => {
    // 72 markets make hundreds of pairs (Bangladesh): a sentence lists none of them
    const lives = [
      ...Array.from({ length: 5 }, (_, i) => life(`u${i}`, 'x', 0.3, -5, 0.58)),
      ...Array.from({ length: 3 }, (_, i) => life(`o${i}`, 'x', 0.8, -4, 2 + i)),
      ...Array.from({ length: 4 }, (_, i) => life(`s${i}`, 'x', 0.9, -1.5, 6.6)),
    ];
    const s = halfLifeSentence(
      { from: '2004-01-15', to: '2025-06-15', medianIntervalDays: 31 },
      lives,
      7,
    );
    expect(s).toBe(
      "From 2004-01-15 to 2025-06-15, of 12 pairs with enough common dates: 5 halve in under one survey interval (31 days, the period's median; AR(1) ρ 0.30); 3 halve in 2.0 to 4.0 survey intervals (median 3.0; about 93 days at the period's median interval of 31 days); for 4 the data cannot reject a unit root in the gap (ADF at 5 %, n 64; the test has low power at these n), so no half-life is given (7 pairs with too few observations left out). Each pair's estimate is in the report's halfLives and at /api/analysis/half-lives.",
    );
    expect(s).not.toMatch(/u0|o1|s2/);
    // up to NAMED_PAIRS_MAX pairs are still named
    expect(halfLifeSentence({ from: 'a', to: 'b' }, lives.slice(0, NAMED_PAIRS_MAX), 0)).toMatch(
      /between u0–x, u1–x/,
    );
  });

  it('lists at most LIST_MAX items in a sentence, and says how many more', () => {
    const names = Array.from({ length: 15 }, (_, i) => `m${i}`);
    expect(listed(names)).toBe('m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11 and 3 more');
    expect(listed(names.slice(0, LIST_MAX))).toBe(names.slice(0, LIST_MAX).join(', '));
  });

  it('says half-lives changed only for pairs whose change is significant after Holm', () => {
    const p = { from: '2009-08-15', to: '2013-04-30' };
    const q = { from: '2013-05-01', to: '2019-12-22' };
    const none = halfLifeChangeSentence(p, q, [
      { a: 'a', b: 'b', rho0: 0.2, rho1: 0.36, z: 1.2, p: 0.23, pHolm: 0.46 },
      { a: 'a', b: 'c', rho0: 0.2, rho1: 0.3, z: 0.7, p: 0.48, pHolm: 0.48 },
    ])!;
    expect(none).toMatch(/^No pair's persistence changed detectably/);
    expect(none).toMatch(/the data do not say whether half-lives lengthened or shortened/);
    const one = halfLifeChangeSentence(p, q, [
      { a: 'a', b: 'b', rho0: 0.04, rho1: 0.44, z: 2.6, p: 0.009, pHolm: 0.027 },
      { a: 'a', b: 'c', rho0: 0.2, rho1: 0.3, z: 0.7, p: 0.48, pHolm: 0.48 },
    ])!;
    expect(one).toMatch(
      /for 1 pair of 2 .*Holm-adjusted over 2 pairs\): a–b lengthened \(ρ 0.04 to 0.44, adjusted p = 0.027\)/,
    );
    expect(one).not.toMatch(/a–c/);
    expect(halfLifeChangeSentence(p, q, [])).toBeNull();
  });
});

describe('beta-convergence follows the errors clustered by date', () => {
  it('quotes the clustered error and p, and claims nothing with few dates', () => {
    const s = betaSentence({
      beta: -0.612,
      betaSeClustered: 0.075,
      betaPClustered: 1e-9,
      clusters: 163,
    });
    expect(s).toMatch(
      /standard error clustered by date 0.075, p < 0.001, 163 dates: significant at the 5 % level/,
    );
    const few = betaSentence({
      beta: -0.5,
      betaSeClustered: 0.1,
      betaPClustered: 0.001,
      clusters: 12,
    });
    expect(few).toMatch(
      /with 12 dates as clusters the p-value is unreliable and no significance is claimed/,
    );
  });
});

describe('a break in the trend at a candidate date', () => {
  it('names the date, its reason, the change of slope and its HAC test', () => {
    const s = trendBreakSentence(
      'coefficient of variation',
      {
        date: '2013-05-01',
        slopeBefore: -0.0007,
        slopeChange: -0.0036,
        t: -0.69,
        p: 0.494,
        lag: 4,
      },
      'Koryolink subscriptions passed 2 million',
    );
    expect(s).toBe(
      'A break in the trend of the coefficient of variation at 2013-05-01 (the candidate date: Koryolink subscriptions passed 2 million): a segmented trend gives a change of slope of -0.00360 per year (from -0.00070; Newey-West errors, lag 4: t = -0.69, p = 0.494), not significant at the 5 % level.',
    );
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
      { min: 2, median: 20, max: 76 },
    );
    expect(s).toMatch(
      /Holm-adjusted over 6 tests \(every pair, both directions\); a lag is one survey, 20 days at the median and from 2 to 76 days/,
    );
    expect(s).toMatch(/hyesan's price changes precede pyongyang's \(adjusted p < 0.001\)/);
    expect(s).toMatch(/sinuiju's price changes precede pyongyang's \(adjusted p = 0.005\)/);
    expect(s).not.toMatch(/\blead/);
    expect(s).toMatch(/prediction, not cause/);
  });

  it('say that none was run when no pair had enough dates (never "Holm-adjusted over 0 tests")', () => {
    expect(networkSentence([], [], 0)).toBe(
      'Granger tests: no market pair has enough common survey dates for them, so none was run.',
    );
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
